"""Deploy of the sample site to object storage: a first deploy, a no-change deploy, a one-article
re-deploy (with its dry run) and a rollback, to a real S3 server on 127.0.0.1 (SeaweedFS, as the tests
start it), each run into a new bucket; medians of --runs.

    .venv/bin/python bench/s3_deploy.py [--runs 3]

The sample is built once, as `build.py build` builds it (PDF, 数字报 and search index included); the
edit appends a sentence to one article and builds again.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests/publish")]
from helpers import copy_site, run_build, write  # noqa: E402
from s3server import start_s3_server  # noqa: E402
from xiaokan.publish.s3deploy import deploy, rollback  # noqa: E402
from xiaokan.publish.s3target import parse_s3_target  # noqa: E402
from xiaokan.source.config import load_config  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_s3_server(Path(tmp) / "s3")
        os.environ.update(AWS_ACCESS_KEY_ID=server.key_id, AWS_SECRET_ACCESS_KEY=server.secret,
                          AWS_SHARED_CREDENTIALS_FILE=str(Path(tmp) / "no-credentials"))
        try:
            site = copy_site(ROOT, Path(tmp) / "site")
            original = (site / "site.yaml").read_text(encoding="utf-8")
            article = sorted((site / "content").glob("*/*.md"))[5]
            text = article.read_text(encoding="utf-8")
            rows: dict[str, list[tuple[int, int, float]]] = {}
            for run in range(args.runs):
                write(site, article.relative_to(site).as_posix(), text)
                assert run_build(site, "build").code == 0
                bucket = server.new_bucket()
                write(site, "site.yaml", original + f'deploy:\n  target: "s3://{bucket}/pingjian"\n'
                                                    f'  endpoint: "{server.endpoint}"\n  addressing: path\n')
                options = load_config(site / "site.yaml").deploy
                target = parse_s3_target(options.target)
                first = deploy(site, target, options)
                same = deploy(site, target, options)
                write(site, article.relative_to(site).as_posix(), text + f"\n第{run}次补充的一句话。\n")
                assert run_build(site, "build").code == 0
                started = time.monotonic()
                dry = deploy(site, target, options, dry_run=True)
                dry_seconds = time.monotonic() - started
                again = deploy(site, target, options)
                started = time.monotonic()
                back = rollback(site, target, options)
                back_seconds = time.monotonic() - started
                for name, row in (("first deploy", (len(first.uploaded), first.sent_bytes, first.seconds)),
                                  ("no change", (0, 0, same.seconds)),
                                  ("one-article dry run", (len(dry.uploaded), dry.sent_bytes, dry_seconds)),
                                  ("one-article re-deploy", (len(again.uploaded), again.sent_bytes, again.seconds)),
                                  ("rollback", (len(back.restored) + len(back.deleted), 0, back_seconds))):
                    rows.setdefault(name, []).append(row)
                total = first.unchanged + len(first.uploaded)
            print(f"sample: {total} objects, {sum(p.stat().st_size for p in (site / 'output').rglob('*') if p.is_file()) / 1e6:.1f} MB "
                  f"in output/; medians of {args.runs}")
            print("| step | objects | bytes | seconds |\n|---|---|---|---|")
            for name, values in rows.items():
                objects = int(statistics.median(v[0] for v in values))
                size = int(statistics.median(v[1] for v in values))
                seconds = statistics.median(v[2] for v in values)
                print(f"| {name} | {objects} | {size:,} | {seconds:.2f} |")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
