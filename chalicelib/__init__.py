"""Everything that runs in Lambda.

Nothing in this package imports moto, the operator CLI (`presslift`) or the local cloud: Chalice
packages this folder as it is, and it must work unchanged against real AWS services.
"""
