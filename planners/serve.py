"""Serve a local InternVL as an OpenAI-compatible chat-completions server (loopback by default).

    python -m planners.serve --model PATH [--host 127.0.0.1] [--port 23333]
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from envs.cli import ArgumentParser, positive_seconds, run_command
from envs.errors import UserInputError


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m planners.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="a local InternVL directory in the transformers layout")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    parser.add_argument("--port", type=int, default=23333, help="port (0: any free port; default 23333)")
    parser.add_argument("--name", help="the model name clients send (default: the directory's name)")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N (bf16 on GPU)")
    parser.add_argument("--max-tiles", type=int, default=6, help="tiles per image at most (default 6)")
    parser.add_argument("--max-new-tokens", type=int, default=512, help="default answer budget in tokens")
    parser.add_argument("--max-batch", type=int, default=8, help="requests decoded together at most")
    parser.add_argument("--request-timeout", type=positive_seconds, default=30.0, metavar="S",
                        help="seconds a client may take sending a request (or leave a kept-alive connection idle)")
    return parser


def run(args: argparse.Namespace) -> int:
    from planners.mllm.model_dir import inspect_model_dir

    if not 0 <= args.port <= 65535:
        raise UserInputError(f"--port {args.port}: expected 0..65535")
    if args.max_tiles < 1 or args.max_new_tokens < 1 or args.max_batch < 1:
        raise UserInputError("--max-tiles, --max-new-tokens and --max-batch must be at least 1")
    inspect_model_dir(args.model)  # a wrong directory fails before torch and transformers load

    from planners.mllm.chat_model import InternVLChatModel
    from planners.server import ChatServer
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    model = InternVLChatModel.load(args.model, device=args.device, max_new_tokens=args.max_new_tokens,
                                   max_tiles=args.max_tiles)
    try:
        server = ChatServer(model, args.name, args.host, args.port, max_batch=args.max_batch,
                            request_timeout_s=args.request_timeout)
    except OSError as error:
        raise UserInputError(f"cannot listen on {args.host}:{args.port} ({error.strerror or error})") from error
    if not _is_loopback(args.host):
        print(f"warning: listening on {args.host}: anyone who can reach this machine can use the model",
              file=sys.stderr)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    print(f"serving {server.name!r} ({model.device}) at {server.url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
    finally:
        server.httpd.server_close()
        server.batcher.close()
    return 0


def _is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and localhost: only this machine can connect."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    return run_command(run, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
