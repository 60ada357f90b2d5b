"""The `amends` subcommands, one module per noun."""
