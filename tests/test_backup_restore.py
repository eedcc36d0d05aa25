"""`tandem backup` and `tandem restore`, on the database the suite runs on (SQLite, or PostgreSQL
in CI's second leg).

The restore drill runs Tandem as a trust would: the demo built in install A by `tandem demo`,
respondents autosaving answers in another process while `tandem backup` runs, the archive
restored by `tandem restore` into an empty install B with only the kept notes key, and then: every
answer acknowledged before the backup began is in B with its value, every coaching note decrypts
with the kept key (and with no other: the key is not in the archive), the audit log's chain holds
with its triggers, and the stored files are back. A damaged or hostile archive is refused before
anything changes, and a failed restore leaves the database as it was.
"""

from __future__ import annotations

import base64
import errno
import gzip
import io
import json
import os
import secrets
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from tandem import backup
from tandem.backup import BackupError, create_backup, read_manifest, restore_backup

ROOT = Path(__file__).resolve().parents[1]


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


# An install: its own database, media folder, notes key and home; `tandem` run as a trust runs it.


@dataclass
class Install:
    directory: Path
    database_url: str
    notes_key: str

    @property
    def media(self) -> Path:
        return self.directory / "media"

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TANDEM_", "DATABASE_URL", "DJANGO_"))
        }
        env.update(
            DATABASE_URL=self.database_url,
            TANDEM_MEDIA_ROOT=str(self.media),
            TANDEM_NOTES_KEYS=self.notes_key,
            TANDEM_HOME=str(self.directory),
            TANDEM_SECRET_KEY="drill-" + "x" * 50,
            TANDEM_CHART_CACHE_DIR=str(self.directory / "charts"),
            DJANGO_SETTINGS_MODULE="tandem.settings",
        )
        env.update(extra)
        return env

    def tandem(
        self, *args: str, check: bool = True, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "tandem.cli", *args],
            env=self.env(**extra),
            cwd=self.directory,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"tandem {' '.join(args)} exited {done.returncode}:\n{done.stderr}"
            )
        return done

    def python(self, code: str, *args: str, **extra: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            env=self.env(**extra),
            cwd=self.directory,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout


@pytest.fixture
def installs(tmp_path: Path) -> Iterator[tuple[Install, Install]]:
    """Two empty installs on the suite's database engine (fresh PostgreSQL databases, or files)."""
    made: list[str] = []
    if connection.vendor == "postgresql":
        import psycopg

        settings = connection.settings_dict
        server = (
            f"postgres://{settings['USER']}{':' + settings['PASSWORD'] if settings.get('PASSWORD') else ''}"
            f"@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
        )
        suffix = f"{os.getpid()}_{secrets.token_hex(3)}"
        with psycopg.connect(server + "/postgres", autocommit=True) as admin:
            for name in (f"drill_a_{suffix}", f"drill_b_{suffix}"):
                admin.execute(f"CREATE DATABASE {name}")
                made.append(name)
        urls = [f"{server}/{name}" for name in made]
    else:
        urls = [f"sqlite:///{tmp_path / name / 'tandem.sqlite3'}" for name in ("a", "b")]
    key = new_key()
    pair = []
    for name, url in zip(("a", "b"), urls, strict=True):
        (tmp_path / name).mkdir(exist_ok=True)
        pair.append(Install(tmp_path / name, url, key))
    yield pair[0], pair[1]
    if made:
        import psycopg

        with psycopg.connect(server + "/postgres", autocommit=True) as admin:
            for name in made:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


AUTOSAVER = r"""
import datetime as dt, json, sys, time
from pathlib import Path
import django
django.setup()
from tandem.programmes.models import Programme
from tandem.surveys import services
from tandem.surveys.models import WaveKind

programme = Programme.objects.get()
today = dt.date.today()
wave = services.wave_create(
    programme=programme, title="Stock take during the backup", kind=WaveKind.REPEAT,
    instrument_id="stock-take", opens_on=today - dt.timedelta(days=1),
    closes_on=today + dt.timedelta(days=14),
)
tokens = [(i.pk, i.token) for i in wave.invitations.matched().order_by("pk")]
items = [item.id for item in wave.instrument.items if item.kind == "likert"]
print(json.dumps({"ready": True, "wave": wave.pk}), flush=True)
stop = Path(sys.argv[1])
log = open(sys.argv[2], "a", encoding="utf-8")
pairs = [(pk, token, item) for item in items for pk, token in tokens]
n = 0
while not stop.exists():
    # Round after round over every (respondent, question), each answer changed each round.
    pk, token, item = pairs[n % len(pairs)]
    value = 1 + (n + n // len(pairs)) % 5
    services.answer_autosave(token=token, item_id=item, value=value)
    # Written only once the answer is stored: what the respondent's page would be told.
    log.write(json.dumps({"t": time.time(), "invitation": pk, "item": item, "value": value}) + "\n")
    log.flush()
    n += 1
"""

READ_BACK = r"""
import json, sys
import django
django.setup()
from tandem.coaching import crypto
from tandem.coaching.models import CoachingNote
from tandem.surveys.models import Answer

wave = int(sys.argv[1])
answers = {
    f"{a.invitation_id}:{a.item_id}": a.value
    for a in Answer.objects.filter(invitation__wave_id=wave)
}
notes = CoachingNote.objects.all()
readable = 0
for note in notes:
    try:
        crypto.decrypt(note.ciphertext)
        readable += 1
    except crypto.NoteUnreadable:
        pass
print(json.dumps({"answers": answers, "notes": notes.count(), "readable": readable}))
"""


def test_the_restore_drill(installs: tuple[Install, Install], tmp_path: Path) -> None:
    a, b = installs
    a.tandem("demo", "--no-serve")
    stored = a.media / "interviews" / "wave-1" / "kept-transcript.txt"
    stored.parent.mkdir(parents=True)
    stored.write_text("An interview transcript, kept as an upload.\n", encoding="utf-8")
    events_before = json.loads(
        a.python(
            "import django, json; django.setup(); from tandem.audit.models import AuditEvent; "
            "print(json.dumps(AuditEvent.objects.count()))"
        )
    )

    stop = tmp_path / "stop"
    saver = subprocess.Popen(
        [sys.executable, "-c", AUTOSAVER, str(stop), str(tmp_path / "acknowledged.jsonl")],
        env=a.env(),
        cwd=a.directory,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert saver.stdout is not None
    started = json.loads(saver.stdout.readline() or "{}")
    assert started.get("ready"), saver.stderr.read() if saver.stderr else ""
    time.sleep(1.0)  # answers already acknowledged before the backup begins
    backup_began = time.time()
    archive = tmp_path / "tandem-backup.tar.gz"
    a.tandem("backup", "--out", str(archive))
    backup_ended = time.time()
    stop.touch()
    _, errors = saver.communicate(timeout=120)
    assert saver.returncode == 0, errors
    lines = (tmp_path / "acknowledged.jsonl").read_text(encoding="utf-8").splitlines()
    acks = [json.loads(line) for line in lines if line.strip()]
    before = [ack for ack in acks if ack["t"] < backup_began]
    during = [ack for ack in acks if backup_began <= ack["t"] <= backup_ended]
    assert len(before) > 20, "the respondents had not started"
    assert during, "no respondent autosaved while the backup ran: the drill proves nothing"

    # Nothing secret travels: no key file, and not the key itself anywhere in the archive.
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        assert not [n for n in names if "key" in n.lower()]
    assert a.notes_key.encode() not in gzip.decompress(archive.read_bytes())

    # B: an empty install (migrated, no one in it) with only the kept notes key.
    b.tandem("manage", "migrate", "--verbosity", "0")
    restored = b.tandem("restore", str(archive), "--json")
    report = json.loads(restored.stdout)
    assert report["restored"] is True and report["files"] == 1

    back = json.loads(b.python(READ_BACK, str(started["wave"])))
    # Every answer acknowledged before the backup began is there: as it was then, or as a
    # respondent changed it while the backup was being taken; none is missing or invented.
    history: dict[str, list[dict[str, object]]] = {}
    for ack in acks:
        history.setdefault(f"{ack['invitation']}:{ack['item']}", []).append(ack)
    for key, saved in history.items():
        earlier = [ack for ack in saved if ack["t"] < backup_began]
        if not earlier:
            continue
        allowed = {ack["value"] for ack in saved if ack["t"] >= earlier[-1]["t"]}
        assert back["answers"].get(key) in allowed, (key, back["answers"].get(key), allowed)
    assert set(back["answers"]) <= set(history)
    assert back["notes"] > 0 and back["readable"] == back["notes"]
    other_key = json.loads(b.python(READ_BACK, str(started["wave"]), TANDEM_NOTES_KEYS=new_key()))
    assert other_key["readable"] == 0
    verified = b.tandem("audit", "verify")
    assert "The audit log's chain holds" in verified.stdout
    assert "The append-only triggers are installed." in verified.stdout
    events = int(verified.stdout.split("holds: ", 1)[1].split(" events", 1)[0])
    assert events >= events_before
    assert (b.media / "interviews" / "wave-1" / "kept-transcript.txt").read_text(
        encoding="utf-8"
    ) == "An interview transcript, kept as an upload.\n"

    # Restoring over data that is there needs saying so; a damaged backup changes nothing.
    again = b.tandem("restore", str(archive), check=False)
    assert again.returncode == 2
    assert "already holds accounts or programmes" in again.stderr
    broken = tmp_path / "broken.tar.gz"
    _rewrite(archive, broken, database=b"this is not a database" * 100)
    failed = b.tandem("restore", str(broken), "--force", check=False)
    assert failed.returncode == 2, failed.stderr
    assert "Nothing was restored" in failed.stderr or "database" in failed.stderr
    after = json.loads(b.python(READ_BACK, str(started["wave"])))
    assert after == back
    assert "chain holds" in b.tandem("audit", "verify").stdout


def _rewrite(
    source: Path,
    target: Path,
    *,
    database: bytes | None = None,
    manifest_changes: dict[str, object] | None = None,
    keep_checksums: bool = False,
) -> None:
    """A copy of an archive with its database replaced (checksum updated unless told) or its
    manifest changed: how a damaged, tampered or newer backup looks."""
    with tarfile.open(source) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]
    manifest = json.loads(members["manifest.json"])
    if database is not None:
        name = manifest["database"]["member"]
        members[name] = database
        if not keep_checksums:
            import hashlib

            for entry in manifest["members"]:
                if entry["name"] == name:
                    entry["sha256"] = hashlib.sha256(database).hexdigest()
                    entry["size"] = len(database)
    manifest.update(manifest_changes or {})
    members["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(target, "w:gz") as tar:
        for name in ["manifest.json", *[n for n in members if n != "manifest.json"]]:
            info = tarfile.TarInfo(name)
            info.size = len(members[name])
            tar.addfile(info, io.BytesIO(members[name]))


# Bad input, on the suite's own database: each refused before anything changes ---------------


@pytest.fixture
def archive(transactional_db, tmp_path: Path) -> Path:
    # Not inside a test transaction: SQLite's backup API waits for a writer on the same
    # in-memory database (the CLI's backup runs on a connection of its own).
    out = tmp_path / "backup.tar.gz"
    create_backup(out)
    return out


def test_a_backup_holds_a_manifest_with_every_member_checked_and_no_key(archive: Path) -> None:
    manifest = read_manifest(archive)
    assert manifest["format"] == backup.FORMAT
    assert manifest["database"]["vendor"] == connection.vendor
    assert "surveys" in manifest["migrations"]
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert names[0] == "manifest.json"
    assert {m["name"] for m in manifest["members"]} == set(names[1:])


def test_a_full_disk_leaves_no_archive_named_as_if_it_were_good(
    transactional_db, tmp_path, monkeypatch
) -> None:
    real_open = tarfile.open

    def full_disk(name, mode="r", *args, **kwargs):
        if "w" in mode:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(name, mode, *args, **kwargs)

    monkeypatch.setattr(backup.tarfile, "open", full_disk)
    out = tmp_path / "backup.tar.gz"
    with pytest.raises(BackupError, match=r"No space left on device\. Nothing was kept"):
        create_backup(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_backup_never_overwrites_a_file(archive: Path) -> None:
    with pytest.raises(BackupError, match="already exists"):
        create_backup(archive)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a readable Tandem backup"),
        (b"PK\x03\x04 a zip, not a backup", "not a readable Tandem backup"),
        (os.urandom(4096), "not a readable Tandem backup"),
    ],
)
def test_an_unreadable_file_is_not_a_backup(db, tmp_path, content, message) -> None:
    path = tmp_path / "not-a-backup.tar.gz"
    path.write_bytes(content)
    with pytest.raises(BackupError, match=message):
        restore_backup(path)


def test_a_backup_from_a_newer_tandem_is_refused(archive: Path, tmp_path: Path) -> None:
    newer = tmp_path / "newer.tar.gz"
    _rewrite(archive, newer, manifest_changes={"tandem_version": "99.0.0"})
    with pytest.raises(BackupError, match=r"made by Tandem 99\.0\.0, newer than this Tandem"):
        restore_backup(newer, force=True)
    unknown = tmp_path / "unknown-migration.tar.gz"
    manifest = read_manifest(archive)
    migrations = manifest["migrations"] | {
        "surveys": [*manifest["migrations"]["surveys"], "0099_future"]
    }
    _rewrite(archive, unknown, manifest_changes={"migrations": migrations})
    with pytest.raises(
        BackupError, match=r"migrations this Tandem does not know \(surveys\.0099_future\)"
    ):
        restore_backup(unknown, force=True)


def test_a_changed_backup_fails_its_checksum_and_nothing_is_restored(archive, tmp_path) -> None:
    tampered = tmp_path / "tampered.tar.gz"
    _rewrite(archive, tampered, database=b"changed", keep_checksums=True)
    with pytest.raises(BackupError, match="does not match its checksum"):
        restore_backup(tampered, force=True)


def test_a_database_with_people_in_it_is_not_replaced_unless_told(archive, demo) -> None:
    with pytest.raises(BackupError, match="already holds accounts or programmes"):
        restore_backup(archive)
