"""Output folders: checked before anything runs, written whole or not at all.

Every command writes into a temporary sibling of its output folder (a copy of
the folder as it was) and swaps it in when the run completes, so an
interrupted run leaves the previous complete set; a hidden record per folder
says which files each command wrote, so a rerun removes what it no longer
writes.  Paths that cannot be written, or would overwrite an input, are
refused with a one-line :class:`OutputError` naming the option.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from gmindex.io.writers import WRITTEN_RECORD, write_json

__all__ = ["WRITTEN_RECORD", "OutputError", "check_output_folder", "staged_folders"]


class OutputError(ValueError):
    """An output path that cannot be written (or would overwrite an input)."""


_PARTIAL, _PREVIOUS = ".partial-", ".previous-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _sibling(out: Path, kind: str, pid: int | None = None) -> Path:
    return out.parent / f".{out.name}{kind}{os.getpid() if pid is None else pid}"


def _tidy_leftovers(out: Path) -> None:
    """Remove what an interrupted run left beside ``out`` (a killed process cannot)."""
    for kind in (_PREVIOUS, _PARTIAL):
        for path in sorted(out.parent.glob(f".{glob.escape(out.name)}{kind}*")):
            pid = path.name.rsplit(kind, 1)[-1]
            if pid.isdigit() and int(pid) != os.getpid() and _pid_alive(int(pid)):
                continue  # another run is writing right now
            if kind == _PREVIOUS and not out.exists():
                os.replace(path, out)  # killed between the two renames: the old set is back
            else:
                shutil.rmtree(path, ignore_errors=True)


def check_output_folder(out: str | Path, *, option: str = "--out") -> Path:
    """Check that ``out`` can be an output folder; raise :class:`OutputError` if not.

    Parameters
    ----------
    out : str or Path
        Existing folder, or a new one whose parent folder exists.
    option : str
        How the user gave the path (named in the message).

    Returns
    -------
    pathlib.Path
        ``out`` made absolute.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> base = pathlib.Path(tempfile.mkdtemp())
    >>> check_output_folder(base / "new") == (base / "new").resolve()
    True
    >>> check_output_folder(base / "no" / "such")
    Traceback (most recent call last):
    ...
    gmindex.io.outputs.OutputError: --out ...: the folder ... does not exist; create it first or choose another --out
    """
    out = Path(out).expanduser().resolve()
    if out.exists() and not out.is_dir():
        raise OutputError(f"{option} {out}: this is a file, not a folder; choose a folder name")
    if not out.parent.is_dir():
        raise OutputError(f"{option} {out}: the folder {out.parent} does not exist; "
                          f"create it first or choose another {option}")
    for folder in (out.parent, out) if out.exists() else (out.parent,):
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OutputError(f"{option} {out}: {folder} is not writable; "
                              f"choose another {option}")
    return out


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _file_states(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Relative path -> (inode, mtime, size) of every file under ``folder``.

    A file written after this snapshot differs in at least one of the three: an
    atomic write makes a new inode, a write in place moves the modification time
    (the staged copy keeps the old files' times).
    """
    states = {}
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            path = Path(dirpath) / name
            st = path.lstat()
            states[path.relative_to(folder).as_posix()] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return states


def _read_written(folder: Path) -> dict[str, list[str]]:
    """The record of :data:`WRITTEN_RECORD` in ``folder``: command -> relative paths.

    A missing, unreadable or malformed record counts as empty (then nothing is
    removed: forgetting a file is safe, deleting one that is not ours is not);
    entries that would leave the folder (absolute, ``..``) are ignored.
    """
    try:
        record = json.loads((folder / WRITTEN_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(record, dict):
        return {}
    clean = {}
    for command, paths in record.items():
        if isinstance(command, str) and isinstance(paths, list):
            clean[command] = [p for p in paths if isinstance(p, str) and p
                              and not Path(p).is_absolute() and ".." not in Path(p).parts]
    return clean


def _forget_old_outputs(folder: Path, command: str, keep: set[Path]) -> None:
    """Remove from ``folder`` the files ``command`` wrote last time and no other command did.

    Files listed for other commands, files the record does not list (the
    user's, a contact sheet, a manifest) and the paths in ``keep`` (input
    files) stay.  Folders emptied by the removal go too.
    """
    record = _read_written(folder)
    others = {p for key, paths in record.items() if key != command for p in paths}
    inside = folder.resolve()
    for rel in sorted(set(record.get(command, ())) - others):
        path = folder / rel
        if path in keep or not (path.is_symlink() or path.is_file()):
            continue
        if not path.parent.resolve().is_relative_to(inside):
            continue  # reached through a linked folder: not this folder's file to remove
        path.unlink()
        parent = path.parent
        while parent != folder and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


def _record_written(folder: Path, command: str, before: Mapping[str, tuple]) -> None:
    """Write :data:`WRITTEN_RECORD`: ``command`` -> the files new or changed since ``before``.

    Other commands' entries are kept, less files that no longer exist; the
    record is sorted, so the same runs give the same bytes.
    """
    now = _file_states(folder)
    now.pop(WRITTEN_RECORD, None)
    record = {key: sorted(p for p in paths if p in now)
              for key, paths in _read_written(folder).items() if key != command}
    record[command] = sorted(p for p, state in now.items() if before.get(p) != state)
    record = {key: paths for key, paths in record.items() if paths}
    target = folder / WRITTEN_RECORD
    if record:
        write_json(record, target)
    elif target.is_file():
        target.unlink()


@contextmanager
def staged_folders(outs: Mapping[str, str | Path], *, inputs: Sequence[str | Path] = (),
                   command: str | None = None):
    """Write output folders as a whole: into temporary siblings, swapped in when complete.

    Each folder is first copied to a hidden sibling (``.NAME.partial-PID``);
    the caller writes there; on success each original is replaced by its
    finished copy (two renames), on any exception (Ctrl-C included) the copies
    are deleted.  An interrupted run therefore leaves the previous complete
    set of files, or nothing; a killed run's leftovers are removed by the next
    run.  Nested folders (e.g. ``results/notebooks`` inside ``results``) are
    staged once, through the outer one.

    Several commands share a folder (``build`` and ``analyse`` write into
    ``results/``, ``map`` and the notebooks into ``figures/``), so the copy
    keeps what others wrote.  With ``command`` given, each staged folder
    records in :data:`WRITTEN_RECORD` the files that command wrote (new or
    rewritten during the run); the next run under the same name first removes
    those files from the copy, so a file it no longer writes (a format or an
    option dropped) disappears, while files recorded for other commands only,
    the user's own files and input files stay.  The record is swapped in with
    the files it describes, so an interrupted run leaves the old record too.

    Parameters
    ----------
    outs : mapping of str to path
        Option name (for messages, e.g. ``"--out"``) -> output folder.
    inputs : sequence of path
        Input files; writing over one of them is an :class:`OutputError`
        and nothing is swapped in.
    command : str, optional
        Name under which the files written are recorded, e.g. ``"build"``;
        include the options that select a variant written beside the others
        rather than instead of them (``"map --lang zh"``).  None: no record,
        the copy keeps every old file.

    Yields
    ------
    dict
        Option name -> the folder to write into.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from gmindex.io.writers import write_text
    >>> base = pathlib.Path(tempfile.mkdtemp())
    >>> with staged_folders({"--out": base / "r"}) as where:
    ...     _ = write_text("done", where["--out"] / "a.txt")
    ...     (base / "r").exists()
    False
    >>> sorted(p.name for p in base.iterdir())
    ['r']

    A rerun that no longer writes ``a.txt`` removes it; the user's file stays:

    >>> for names in (["a.txt", "b.txt"], ["b.txt"]):
    ...     with staged_folders({"--out": base / "r"}, command="demo") as where:
    ...         for name in names:
    ...             _ = write_text(name, where["--out"] / name)
    ...     _ = write_text("mine", base / "r" / "notes.txt")
    >>> sorted(p.name for p in (base / "r").iterdir())
    ['.gmindex-written.json', 'b.txt', 'notes.txt']
    """
    real = {opt: check_output_folder(path, option=opt) for opt, path in outs.items()}
    roots = sorted({p for p in real.values()
                    if not any(q != p and q in p.parents for q in real.values())})
    watched = {Path(i).expanduser().resolve(): None for i in inputs if Path(i).is_file()}
    watched = {i: _digest(i) for i in watched if any(r in i.parents for r in roots)}
    staging: dict[Path, Path] = {}
    before: dict[Path, dict] = {}
    try:
        for root in roots:
            _tidy_leftovers(root)
            tmp = _sibling(root, _PARTIAL)
            shutil.rmtree(tmp, ignore_errors=True)
            try:
                if root.exists():
                    shutil.copytree(root, tmp, symlinks=True)
                else:
                    tmp.mkdir()
            except OSError as exc:
                raise OutputError(f"cannot write beside {root}: {exc.strerror or exc}; "
                                  "choose another output folder") from exc
            staging[root] = tmp

        def where(p: Path) -> Path:
            root = next(r for r in roots if r == p or r in p.parents)
            return staging[root] / p.relative_to(root)

        if command is not None:
            keep = {where(i) for i in watched}
            for tmp in staging.values():
                _forget_old_outputs(tmp, command, keep)
        targets = {opt: where(p) for opt, p in real.items()}
        for t in targets.values():
            t.mkdir(parents=True, exist_ok=True)
        if command is not None:
            before = {root: _file_states(tmp) for root, tmp in staging.items()}
        yield targets
        for path, digest in watched.items():
            copy = where(path)
            if not copy.is_file() or _digest(copy) != digest:
                raise OutputError(f"the output {path.name} would overwrite the input {path}; "
                                  "choose an output folder that does not hold your data")
        if command is not None:
            for root, tmp in staging.items():
                _record_written(tmp, command, before[root])
    except BaseException:
        for tmp in staging.values():
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    for root, tmp in staging.items():
        if root.exists():
            old = _sibling(root, _PREVIOUS)
            os.replace(root, old)
            os.replace(tmp, root)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, root)
