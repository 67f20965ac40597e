"""Putting the finished site somewhere: `output.write_site` swaps a whole new site into output/
atomically (readers and a killed build never see half a site); `deploy.deploy` copies output/ to
the live server as a new release (a folder or SSH with rsync), with rollback; `s3deploy.deploy` puts
it into object storage (`s3://bucket/prefix`: Aliyun OSS, Tencent COS, any S3-compatible service),
only the changed objects, in an order that keeps every page whole, with rollback.

Object storage, one job per module: `s3target` (the target and the key from the environment or
~/.aws/credentials), `objectstore` (boto3: list, put, copy, delete, each failure in the editor's
words), `objectheaders` (Content-Type, Cache-Control, upload order), `objectrecord` (the record,
manifests and kept copies under .xiaokan/), `objectplan` (what a deploy or rollback does, pure),
`objectlock` (the lease that keeps two deploys apart), `s3deploy` (the steps), `afterdeploy`
(deploy.after, e.g. a CDN refresh), `s3command` (the command line's flags and messages); `deployreport`
holds the lines every kind of deploy prints. Imports the
source wing (the deploy settings) and the shared modules.
"""
