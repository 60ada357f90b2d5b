"""`amends serve`, `amends worker`, `amends scheduler`: the long-running processes."""

from __future__ import annotations

import click

from plugin import scheduler, worker
from plugin.commands.support import parse_time, print_json, runtime
from plugin.storage.leadership import Leadership


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="gunicorn worker processes",
)
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=click.IntRange(1, 64),
    help="threads per worker process",
)
@click.option("--debug", is_flag=True, help="Flask's development server with reloader instead")
def serve(host: str, port: int, workers: int, threads: int, debug: bool) -> None:
    """Serve webhooks, the admin panel, OAuth and /healthz."""
    settings = runtime().settings  # fail early, before forking, if settings or schema are wrong
    if not settings.shopify_api_secret:
        click.echo(
            "warning: SHOPIFY_API_SECRET is not set, so every Shopify webhook is refused (401) "
            "and Shopify installs fail; set it to the app's client secret",
            err=True,
        )
    if debug:
        from plugin.app import create_app

        create_app().run(host=host, port=port, debug=True)
        return
    from plugin.serve import serve as gunicorn_serve

    gunicorn_serve(host, port, workers, threads)


@click.command("worker")
@click.option("--once", is_flag=True, help="process what is due, then exit")
def worker_command(once: bool) -> None:
    """Drain the inbox and the outbox: handle deliveries, send customer messages."""
    if once:
        rt = runtime()
        drained = worker.drain(rt, worker.outbox_runner(rt))
        click.echo(f"processed {drained.deliveries} deliveries, {drained.messages} messages")
        return
    worker.run_forever(runtime())


@click.command("scheduler")
@click.option("--once", is_flag=True, help="run what is due, then exit")
@click.option("--now", callback=parse_time, help="run as if it were this ISO-8601 time")
@click.option("--json", "as_json", is_flag=True, help="with --once: print what each job did")
def scheduler_command(once: bool, now, as_json: bool) -> None:  # noqa: ANN001
    """Run the periodic jobs."""
    if once or now is not None:
        built = runtime()
        leadership = Leadership(built.database)
        if not leadership.try_take():
            raise click.ClickException(
                "another scheduler is running the jobs for this database; nothing was run "
                "(stop it first to run them as of another time)"
            )
        try:
            report = scheduler.run_due(built, now)
        finally:
            leadership.release()
        if as_json:
            print_json(report.as_json())
        else:
            for name, count in report.counts.items():
                click.echo(f"{name}: {count}")
        _report_failures(report)
        return
    scheduler.run_forever(runtime())


def _report_failures(report: scheduler.RunReport) -> None:
    """Say on stderr, one line per store, which stores a job failed for; then exit 1."""
    if not report.failed:
        return
    by_shop: dict[int, list[tuple[str, scheduler.ShopFailure]]] = {}
    for name, failures in report.failures.items():
        for failure in failures:
            by_shop.setdefault(failure.shop_id, []).append((name, failure))
    for shop_id, failed in by_shop.items():
        first = failed[0][1]
        jobs = ", ".join(name for name, _ in failed)
        store = f"{first.platform} {first.domain}"
        click.echo(f"error: shop {shop_id} ({store}): {jobs} failed: {first.error}", err=True)
    click.get_current_context().exit(1)


def register(group: click.Group) -> None:
    """Add these commands to `group`."""
    group.add_command(serve)
    group.add_command(worker_command)
    group.add_command(scheduler_command)
