"""sim.core.userdata: the user's files go to their data folder; the shipped ones are listed and read-only."""

import pytest

from sim.core import userdata
from sim.core.userdata import LibraryError


def test_default_folder_is_the_xdg_data_home(monkeypatch, tmp_path):
    monkeypatch.delenv("SIM_DATA_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert userdata.data_dir() == tmp_path / ".local" / "share" / "delta-sim"


def test_save_list_rename_delete(data_dir):
    shipped = [e.name for e in userdata.entries("plans")]
    assert {"baseline", "early-action"} <= set(shipped)
    path = userdata.save_text("plans", "my-plan", "kind: plan\n")
    assert path == data_dir / "plans" / "my-plan.yaml"
    listed = userdata.entries("plans")
    assert [e.name for e in listed] == shipped + ["my-plan"]
    assert [e.shipped for e in listed][-1] is False and all(e.shipped for e in listed[:-1])
    moved = userdata.rename("plans", "my-plan", "mon-plan")
    assert moved.read_text() == "kind: plan\n" and not path.exists()
    userdata.delete("plans", "mon-plan")
    assert [e.name for e in userdata.entries("plans")] == shipped


@pytest.mark.parametrize(
    ("action", "code"),
    [
        (lambda: userdata.save_text("plans", "baseline", "x"), "library_shipped_name"),
        (lambda: userdata.save_text("plans", "Mon Plan", "x"), "library_bad_name"),
        (lambda: userdata.save_text("plans", "../escape", "x"), "library_bad_name"),
        (lambda: userdata.delete("plans", "baseline"), "library_shipped_readonly"),
        (lambda: userdata.rename("scenarios", "flood-2022", "mine"), "library_shipped_readonly"),
        (lambda: userdata.delete("plans", "nothing"), "library_no_such_file"),
    ],
)
def test_shipped_files_and_bad_names_are_refused(action, code, data_dir):
    shipped = {p: p.read_bytes() for p in userdata.shipped_folder("plans").glob("*.yaml")}
    with pytest.raises(LibraryError) as err:
        action()
    assert err.value.code == code
    assert {p: p.read_bytes() for p in userdata.shipped_folder("plans").glob("*.yaml")} == shipped
    assert not (data_dir / "plans").exists() or not any((data_dir / "plans").iterdir())


def test_rename_onto_an_existing_name_is_refused(data_dir):
    userdata.save_text("plans", "a", "A")
    userdata.save_text("plans", "b", "B")
    with pytest.raises(LibraryError) as err:
        userdata.rename("plans", "a", "b")
    assert err.value.code == "library_name_taken"
    assert (data_dir / "plans" / "b.yaml").read_text() == "B"
