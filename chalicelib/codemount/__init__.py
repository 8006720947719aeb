"""The code-drop mount function: the one function in the VPC with the EFS mount, doing only what needs
the mount (plan against `current`, write a release, switch, prune, roll back, list releases).

The code-drop stage, outside the VPC, sends it a `MountJob` (`job.py`): the target, the app, the
release's manifest, a URL to GET the bundle (presigned, through the VPC's free S3 gateway endpoint)
and what else the work needs; it answers a `MountReply`. It holds no setting but the mount's path,
reads no secret and makes no AWS client call, so the VPC needs no endpoint billed by the hour. The
stage side (`invoke.py`) checks clearance, records, queues and notifies, before and after.
"""

from __future__ import annotations

#: The mount function's name in the app (`app.py`), the template and its grants.
FUNCTION = "codedrop_mount"
