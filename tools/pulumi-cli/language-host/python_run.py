# Runs a Pulumi Python program for pulumi-language-python (python.go passes it to the interpreter with -c).
#
#   python -u -c <this> --monitor ADDR --engine ADDR --project P --stack S [--organization O]
#       [--root_directory DIR] [--pwd DIR] --dry_run true|false --parallel N PROGRAM [ARGS...]
#
# The stack's config comes in PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS. PROGRAM is a file, or a folder
# holding __main__.py ("." is the program's folder). Exit status: 0, or 32 once the failure is logged to
# the engine (it then shows no message of its own), or 1 when even that was not possible.
import argparse
import asyncio
import logging
import os
import runpy
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor

LOGGED_ERROR = 32

try:
    import pulumi
    import pulumi.runtime
except ImportError:
    print(traceback.format_exc(), file=sys.stderr)
    print(
        f"The Pulumi SDK is not installed for {sys.executable}. Install it there "
        "(`pip install -r requirements.txt` in the project's virtualenv).",
        file=sys.stderr,
    )
    sys.exit(1)


def parse_args():
    parser = argparse.ArgumentParser(prog="pulumi-language-python")
    for name in ("monitor", "engine", "project", "stack", "organization", "root_directory", "pwd",
                 "dry_run", "parallel", "tracing"):
        parser.add_argument("--" + name)
    parser.add_argument("program")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    return parser.parse_args()


def main():
    args = parse_args()
    pulumi.runtime.set_all_config(pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env())
    parallel = int(args.parallel) if args.parallel else None
    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            project=args.project,
            stack=args.stack,
            monitor=args.monitor,
            engine=args.engine,
            parallel=parallel,
            dry_run=args.dry_run == "true",
            organization=args.organization,
            root_directory=args.root_directory,
        )
    )

    if args.pwd:
        os.chdir(args.pwd)
    # As if run as `python PROGRAM ARGS...`: its own folder first on the import path.
    program = os.path.abspath(args.program)
    sys.argv = [program] + args.args
    sys.path.insert(0, program if os.path.isdir(program) else os.path.dirname(program))

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # Blocking gRPC calls run in the loop's executor: as many threads as the engine allows operations.
    if parallel:
        loop.set_default_executor(ThreadPoolExecutor(max_workers=max(parallel, 1) * 4))
    # A failed program leaves futures nobody awaits; asyncio's complaints about them are noise.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    status = 0
    try:
        loop.run_until_complete(pulumi.runtime.run_in_stack(lambda: runpy.run_path(program, run_name="__main__")))
    except pulumi.RunError as e:
        status = report(str(e))
    except Exception:  # noqa: BLE001 - whatever the program raised, the user sees it
        status = report("Program failed with an unhandled exception:\n" + traceback.format_exc())
    finally:
        for task in asyncio.all_tasks(loop):
            task.cancel()
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()
    sys.exit(status)


def report(message):
    """Shows message as an error of the run: through the engine if it is still there, else on stderr."""
    try:
        pulumi.log.error(message)
        return LOGGED_ERROR
    except Exception:  # noqa: BLE001 - the engine may be gone
        print(message, file=sys.stderr)
        return 1


main()
