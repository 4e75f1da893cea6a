from __future__ import annotations

import io
import time
from typing import Any, TextIO, cast

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.table import Table

from datacollab.demo import content, ecargo
from datacollab.demo.builder import DemoSummary, load_demo

DEFAULT_ADDRPORT = "127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Load the demo network (idempotently: running it again refreshes, never duplicates), "
        "print the demo logins, then serve it. Run `datacollab migrate` first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--addrport",
            default=DEFAULT_ADDRPORT,
            help=f"address and port to serve on (default {DEFAULT_ADDRPORT})",
        )
        parser.add_argument(
            "--load-only", action="store_true", help="load the demo data and exit, no server"
        )
        parser.add_argument(
            "--large",
            action="store_true",
            help="also publish millions of generated sensor rows as the pooled sensors' latest "
            "version (fixed seed; minutes, not seconds)",
        )
        parser.add_argument(
            "--large-rows",
            type=int,
            default=ecargo.LARGE_ROWS,
            help=f"rows of the large build (default {ecargo.LARGE_ROWS:,})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        summary = load_demo()
        seconds = time.perf_counter() - started
        addrport: str = options["addrport"]
        url = f"http://{addrport if ':' in addrport else f'127.0.0.1:{addrport}'}/"
        self.stdout.write(f"Demo loaded in {seconds:.1f} s: {summary.network.name}")
        if options["large"]:
            self._large(options["large_rows"])
        self.stdout.write(self._logins_table(summary, url))
        if options["load_only"]:
            return
        self.stdout.write(f"Serving on {url} (Ctrl-C to stop)")
        # With DEBUG off (as `make demo` runs it, so errors show the site's own pages) Django
        # serves no static files; the development server's --insecure does, for the demo only.
        call_command("runserver", addrport, use_reloader=False, insecure_serving=not settings.DEBUG)

    def _large(self, rows: int) -> None:
        from datacollab.demo.large import ensure_large_sensors

        # The command's own stdout (so call_command(..., stdout=...) captures the progress).
        console = Console(file=cast(TextIO, self.stdout._out), force_terminal=None)
        build = ensure_large_sensors(rows=rows, console=console)
        verb = "Published" if build.built else "Already published:"
        self.stdout.write(
            f"{verb} {build.version.row_count:,} sensor rows as version {build.version.number} "
            f"of data-cargo-sensors in {build.seconds:.1f} s"
        )

    def _logins_table(self, summary: DemoSummary, url: str) -> str:
        table = Table(title=f"Demo logins (password for all: {content.PASSWORD})")
        # Addresses and roles whole on one line; only the hint wraps in a narrow terminal.
        table.add_column("email", no_wrap=True)
        table.add_column("role", no_wrap=True)
        table.add_column("what to try")
        for login in summary.logins:
            table.add_row(login.email, login.role, login.what)
        buffer = io.StringIO()
        console = Console(file=buffer, width=110, force_terminal=False, color_system=None)
        console.print(table)
        console.print(f"Open {url} in a browser.")
        return buffer.getvalue().rstrip("\n")
