"""`python -m entrypoints.texting_sandbox --port N`."""

from __future__ import annotations

import argparse

from .app import run


def main() -> None:
    parser = argparse.ArgumentParser(prog="texting-sandbox")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    run(args.port, host=args.host)


if __name__ == "__main__":
    main()
