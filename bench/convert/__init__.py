"""`make bench-convert`: Presslift's WordPress converter against wordpress-export-to-markdown (npm)."""
