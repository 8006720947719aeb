"""Presslift on an operator's machine: the CLI and the local cloud. Never packaged into Lambda."""
