"""Store platforms: one package per platform, each implementing plugin's Connector."""
