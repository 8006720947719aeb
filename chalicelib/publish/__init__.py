"""Publishing an artifact to a target: plan (pure diff), then apply (S3, CloudFront, search)."""
