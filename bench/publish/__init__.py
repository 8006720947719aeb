"""The publish benchmark: Presslift vs `aws s3 sync --delete` vs `hugo deploy` on one moto server."""
