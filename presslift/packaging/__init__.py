"""Packaging Presslift for a real AWS account: one template from `chalice package` and `infra/`.

`project` assembles what Lambda runs, `appmodel` reads the functions off the Chalice app, `grants`
says what each may touch, `template` writes the merge template, `package` runs Chalice and the SAM
transform, and `checks` proves the result offline. Operator-side only: nothing in `chalicelib/`
imports this, and nothing here talks to AWS.
"""
