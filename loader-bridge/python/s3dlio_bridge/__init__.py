"""s3dlio_bridge: Python side of s3dlio (this file is a placeholder; the bridge owns the package)."""
