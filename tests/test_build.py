"""Builds are incremental (only changed files are parsed), atomic (a failed or killed
build leaves the previous store usable) and strict (any problem writes nothing)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from atlas.build import build_atlas
from atlas.errors import DataError, StoreError
from atlas.store import open_store
from tests.conftest import MINI, ROOT

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?e a atlas:Experience }"


def disk_store(path: Path):
    return open_store(path, read_only=False, create=True)


def test_first_build_then_nothing_to_do(tmp_path):
    store = disk_store(tmp_path / "s")
    first = build_atlas(MINI, store)
    assert first.changed and first.parsed == 8 and first.files == 8
    assert first.records == {"actor": 3, "collection": 1, "experience": 3, "family": 4, "issue": 7,
                             "principle": 2, "territory": 3}
    again = build_atlas(MINI, store)
    assert not again.changed and again.parsed == 0
    assert again.content_hash == first.content_hash


def test_incremental_rebuild_parses_only_the_changed_file(tmp_path, mini_dir):
    store = disk_store(tmp_path / "s")
    build_atlas(mini_dir, store)
    path = mini_dir / "experiences" / "grande-synthe-organic-canteens.md"
    path.write_text(path.read_text().replace("biodiversity]", "biodiversity, education]"))
    report = build_atlas(mini_dir, store)
    assert report.parsed == 1 and report.changed
    rows = store.select("SELECT ?i ?e WHERE { ?e atlas:addresses ?i } ORDER BY ?i",
                        {"e": __import__("pyoxigraph").NamedNode(
                            "https://example.org/mini/experience/grande-synthe-organic-canteens")})
    assert [r[0].rsplit("/", 1)[1] for r in rows] == ["biodiversity", "education", "food-system", "school-canteens"]


def test_deleted_file_graph_is_removed(tmp_path, mini_dir):
    store = disk_store(tmp_path / "s")
    build_atlas(mini_dir, store)
    (mini_dir / "experiences" / "grande-synthe-organic-canteens.md").unlink()
    report = build_atlas(mini_dir, store)
    assert report.removed == 1 and report.parsed == 0
    assert store.select(COUNT) == [("2",)]
    assert not [g for g in store.graphs() if "grande-synthe-organic" in g]


def test_reference_from_unchanged_file_to_deleted_record_is_an_error(tmp_path, mini_dir):
    store = disk_store(tmp_path / "s")
    build_atlas(mini_dir, store)
    text = (mini_dir / "territories.yaml").read_text()
    (mini_dir / "territories.yaml").write_text(text.replace("  - id: citeol\n    label: SAS Citéol\n    type: company\n"
                                                            "    territory: le-mene\n", ""))
    with pytest.raises(DataError, match=r"experiences/le-mene-citizen-wind-farm.md:7: unknown actor 'citeol'"):
        build_atlas(mini_dir, store)


def test_failed_build_writes_nothing(tmp_path, mini_dir):
    store = disk_store(tmp_path / "s")
    before = build_atlas(mini_dir, store)
    (mini_dir / "experiences" / "new.md").write_text("---\ntitle: x\n")
    with pytest.raises(DataError):
        build_atlas(mini_dir, store)
    reopened = open_store(tmp_path / "s")
    assert reopened.content_hash == before.content_hash
    assert reopened.select(COUNT) == [("3",)]


def test_second_writer_is_refused(tmp_path):
    store = disk_store(tmp_path / "s")
    build_atlas(MINI, store)
    other = open_store(tmp_path / "s", read_only=False)
    with store.transaction(), pytest.raises(StoreError, match="being written by another process"), \
            other.transaction():
        pass


def test_killed_build_leaves_the_previous_store_usable(tmp_path):
    """Kill a large build at several moments: the store is always the old one or the new one, whole."""
    from benchmarks.synth import Shape, generate_atlas

    small = generate_atlas(tmp_path / "small", 20, seed=3, shape=Shape(territories=50, actors=50))
    large = generate_atlas(tmp_path / "large", 1500, seed=4, shape=Shape(territories=50, actors=50))
    location = tmp_path / "s"
    build_atlas(small, disk_store(location), shacl="off")
    old_hash = open_store(location).content_hash
    script = ("import sys; from atlas.build import build_atlas; from atlas.store import open_store; "
              "build_atlas(sys.argv[1], open_store(sys.argv[2], read_only=False, create=True), shacl='off')")
    for delay in (0.5, 1.2, 1.5, 1.8):  # while parsing, and while writing the new generation
        proc = subprocess.Popen([sys.executable, "-c", script, str(large), str(location)], cwd=ROOT)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        store = open_store(location)
        n = int(store.select(COUNT)[0][0])
        assert (store.content_hash, n) in {(old_hash, 20)} or n == 1500
        manifest = json.loads((location / "current").resolve().with_suffix(".json").read_text())
        assert manifest["content_hash"] == store.content_hash
        store.close()
    # and the next build completes and cleans the killed build's leftovers
    build_atlas(large, disk_store(location), shacl="off")
    assert int(open_store(location).select(COUNT)[0][0]) == 1500
    assert [p.name for p in location.iterdir() if p.name.startswith("gen-") and p.is_dir()] == [
        os.readlink(location / "current")]


def _built_in_one_process_then_in_workers(monkeypatch, data_dir):
    """Build ``data_dir`` into two memory stores: serially, then with worker processes (left on)."""
    import atlas.build

    serial = open_store(memory=True)
    build_atlas(data_dir, serial)
    monkeypatch.setattr(atlas.build, "PARALLEL_THRESHOLD", 1)
    parallel = open_store(memory=True)
    build_atlas(data_dir, parallel)
    return serial, parallel


def test_parallel_reading_gives_the_same_store_and_the_same_problems(monkeypatch, mini_dir):
    """Large atlases read experiences in worker processes: same quads, same messages."""
    from atlas.render.export import generate_rdf

    serial, parallel = _built_in_one_process_then_in_workers(monkeypatch, mini_dir)
    assert generate_rdf(parallel, "nq") == generate_rdf(serial, "nq")
    path = mini_dir / "experiences" / "grande-synthe-organic-canteens.md"
    path.write_text(path.read_text().replace("biodiversity]", "biodiversty]"))
    with pytest.raises(DataError) as err:
        build_atlas(mini_dir, open_store(memory=True))
    assert str(err.value) == ("experiences/grande-synthe-organic-canteens.md:6: unknown issue 'biodiversty' in "
                              "'issues' (did you mean 'biodiversity'?)")


def test_parallel_build_on_disk_streams_into_the_new_generation_only(monkeypatch, mini_dir, tmp_path):
    """On disk, worker chunks are loaded as they arrive; a problem found later still writes nothing."""
    import atlas.build
    import atlas.load.pool
    from atlas.render.export import generate_rdf

    serial = open_store(memory=True)
    build_atlas(mini_dir, serial)
    monkeypatch.setattr(atlas.build, "PARALLEL_THRESHOLD", 1)
    chunks = []
    real = atlas.load.pool.ExperiencePool.parse

    def spy(self, *args, on_parsed=None, **kwargs):
        def seen(sources, progress):
            chunks.append([s.relpath for s in sources])
            on_parsed(sources, progress)
        return real(self, *args, on_parsed=seen if on_parsed else None, **kwargs)

    monkeypatch.setattr(atlas.load.pool.ExperiencePool, "parse", spy)
    location = tmp_path / "store"
    disk = open_store(location, read_only=False, create=True)
    build_atlas(mini_dir, disk)
    assert chunks and sum(map(len, chunks)) == len(list((mini_dir / "experiences").glob("*.md")))
    assert generate_rdf(open_store(location), "nq") == generate_rdf(serial, "nq")
    before = os.readlink(location / "current")
    for md in sorted((mini_dir / "experiences").glob("*.md"))[:-1]:  # every file changes; the last one breaks
        md.write_text(md.read_text().replace("\n---\n", "\n---\nEdited.\n", 1))
    last = sorted((mini_dir / "experiences").glob("*.md"))[-1]
    last.write_text(last.read_text().replace("issues: [", "issues: [no-such-issue, ", 1))
    with pytest.raises(DataError):
        build_atlas(mini_dir, open_store(location, read_only=False))
    assert os.readlink(location / "current") == before
    assert generate_rdf(open_store(location), "nq") == generate_rdf(serial, "nq")


@pytest.mark.parametrize(("shacl", "released"), [("on", False), ("auto", True), ("off", True)])
def test_streamed_experiences_drop_their_nquads_once_shacl_will_not_read_them(monkeypatch, mini_dir, tmp_path,
                                                                              shacl, released):
    """Past the SHACL limit (or with SHACL off), a streamed experience keeps its count, not its text."""
    import atlas.build
    from atlas.render.export import generate_rdf

    serial = open_store(memory=True)
    build_atlas(mini_dir, serial)
    monkeypatch.setattr(atlas.build, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(atlas.build, "SHACL_AUTO_LIMIT", 10)  # the mini atlas's experiences pass it
    seen = {}
    location = tmp_path / "store"
    report = build_atlas(mini_dir, open_store(location, read_only=False, create=True), shacl=shacl,
                         on_loaded=lambda result: seen.update(result.sources))
    experiences = {rel: src for rel, src in seen.items() if rel.startswith("experiences/")}
    assert len(experiences) == 3 and all(src.quad_count > 5 for src in experiences.values())
    assert all((src.nquads == b"" and src.lines == {}) == released for src in experiences.values())
    assert report.quads == len(serial)
    assert generate_rdf(open_store(location), "nq") == generate_rdf(serial, "nq")


@pytest.mark.parametrize("threshold", [10**6, 1])
def test_a_first_build_records_each_files_size_and_time_as_read(monkeypatch, mini_dir, tmp_path, threshold):
    """With nothing to compare with, the scan does not stat: sizes and times come from the reads."""
    import atlas.build

    monkeypatch.setattr(atlas.build, "PARALLEL_THRESHOLD", threshold)
    store = disk_store(tmp_path / "s")
    build_atlas(mini_dir, store)
    files = {rel: meta for rel, meta in store.manifest["files"].items() if rel != "atlas.yaml"}  # always hashed
    on_disk = {p.relative_to(mini_dir).as_posix(): p.stat() for p in mini_dir.rglob("*") if p.is_file()}
    assert {rel: (meta["size"], meta["mtime_ns"]) for rel, meta in files.items()} == {
        rel: (on_disk[rel].st_size, on_disk[rel].st_mtime_ns) for rel in files}
    read = []
    real = atlas.build.read_file
    monkeypatch.setattr(atlas.build, "read_file", lambda *a: (read.append(a[1]), real(*a))[1])
    assert not build_atlas(mini_dir, store).changed and read == []  # nothing read again


def test_parallel_rebuild_reads_touched_files_but_parses_only_changed_ones(monkeypatch, mini_dir, tmp_path):
    """Workers hash the experiences whose time changed: same content, nothing parsed again."""
    import atlas.build

    monkeypatch.setattr(atlas.build, "PARALLEL_THRESHOLD", 1)
    store = disk_store(tmp_path / "s")
    first = build_atlas(mini_dir, store)
    files = sorted((mini_dir / "experiences").glob("*.md"))
    for md in files:
        os.utime(md, ns=(md.stat().st_atime_ns, md.stat().st_mtime_ns + 10**9))
    touched = build_atlas(mini_dir, store)
    assert touched.parsed == 0 and not touched.changed and touched.content_hash == first.content_hash
    files[0].write_text(files[0].read_text().replace("\n---\n", "\n---\nEdited.\n", 1))
    edited = build_atlas(mini_dir, store)
    assert edited.parsed == 1 and edited.changed and edited.content_hash != first.content_hash


def test_parallel_reading_indexes_experiences_after_parsing_them(monkeypatch, mini_dir):
    """Workers parse experiences before their ids are indexed: references to them and clashes still work."""
    import atlas.build
    from atlas.render.export import generate_rdf

    experiences = sorted((mini_dir / "experiences").glob("*.md"))
    slug = experiences[0].stem
    (mini_dir / "journeys.yaml").write_text(
        f"journeys:\n  - id: a-visit\n    label: A visit\n    visits: [{slug}]\n", encoding="utf-8")
    serial, parallel = _built_in_one_process_then_in_workers(monkeypatch, mini_dir)
    assert generate_rdf(parallel, "nq") == generate_rdf(serial, "nq")
    assert len(parallel.select("SELECT ?e WHERE { ?j atlas:visits ?e }")) == 1

    clash = mini_dir / "experiences" / "another-file.md"
    clash.write_text(experiences[0].read_text(encoding="utf-8").replace("---\n", f"---\nid: {slug}\n", 1),
                     encoding="utf-8")
    messages = []
    for threshold in (10**6, 1):
        monkeypatch.setattr(atlas.build, "PARALLEL_THRESHOLD", threshold)
        with pytest.raises(DataError) as err:
            build_atlas(mini_dir, open_store(memory=True))
        messages.append(str(err.value))
    assert messages[0] == messages[1] and "already minted at experiences/" in messages[0]


_G = "https://example.org/g/"


def _nquads(n: int) -> bytes:
    """One quad, in graph ``_G`` + n, as N-Quads."""
    import pyoxigraph as ox

    quad = ox.Quad(ox.NamedNode(f"https://example.org/s{n}"), ox.NamedNode("https://example.org/p"),
                   ox.Literal(str(n)), ox.NamedNode(f"{_G}{n}"))
    return ox.serialize([quad], format=ox.RdfFormat.N_QUADS)


def test_background_loads_are_waited_for_or_abandoned(monkeypatch, tmp_path):
    from atlas.store.embedded import Writer

    monkeypatch.setattr(Writer, "BATCH", 1)  # every graph goes to a loader thread at once
    g = _G

    store = open_store(tmp_path / "s", read_only=False, create=True)
    with store.transaction() as w:
        for n in range(20):
            w.replace_graph_nquads(f"{g}{n}", _nquads(n))
        w.manifest = {"content_hash": "one"}
    assert len(open_store(tmp_path / "s")) == 20
    before = os.readlink(tmp_path / "s" / "current")
    with pytest.raises(RuntimeError), store.transaction() as w:
        for n in range(20, 40):
            w.replace_graph_nquads(f"{g}{n}", _nquads(n))
        raise RuntimeError("a problem found after some loads started")
    assert os.readlink(tmp_path / "s" / "current") == before and len(open_store(tmp_path / "s")) == 20


def test_queued_additions_load_as_one_load_below_the_split(monkeypatch, tmp_path):
    """Queued N-Quads and term objects go to one load, or one per core from ``SPLIT`` quads on."""
    import pyoxigraph as ox

    from atlas.store.embedded import Writer

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    loads = []
    real = Writer._bulk_load
    monkeypatch.setattr(Writer, "_bulk_load", lambda self, threads, nquads: (loads.append(nquads.count(b"\n")),
                                                                             real(self, threads, nquads)))
    g = _G
    store = open_store(tmp_path / "s", read_only=False, create=True)
    for first, split, expected in ((0, Writer.SPLIT, [7]), (10, 4, [4, 3])):
        loads.clear()
        monkeypatch.setattr(Writer, "SPLIT", split)
        with store.transaction() as w:
            for n in range(first, first + 6):
                w.replace_graph_nquads(f"{g}{n}", _nquads(n))
            w.replace_graph(f"{g}{first + 6}", [ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode(
                "https://example.org/p"), ox.Literal("v"), ox.NamedNode(f"{g}{first + 6}"))])
            w.manifest = {"content_hash": str(first)}
        assert loads == expected
    assert len(open_store(tmp_path / "s")) == 14


def test_a_long_series_of_additions_goes_to_bulk_loads_that_stream_in_turn(monkeypatch, tmp_path):
    """Past a loader batch, additions go in turn to one open bulk load per core (queued ones first)."""
    import pyoxigraph as ox

    from atlas.store.embedded import Writer

    monkeypatch.setattr(Writer, "LOADER_BATCH", 8)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    seen = []
    real = Writer._bulk_load
    monkeypatch.setattr(Writer, "_bulk_load", lambda self, threads, nquads: (seen.append(nquads),
                                                                             real(self, threads, nquads)))
    g = _G

    store = open_store(tmp_path / "s", read_only=False, create=True)
    with store.transaction() as w:
        w.add_nquads(_nquads(0), 1)  # nothing more expected: queued
        assert (w._pending_lines, w._streams) == (1, [])
        for n in range(1, 20):  # one at a time, each saying how many are still to come
            w.add_nquads(_nquads(n), 1, expected=19 - n)
        assert (w._pending_lines, len(w._streams), w._streamed) == (0, 2, 20)
        w.add([ox.Quad(ox.NamedNode("https://example.org/s20"), ox.NamedNode("https://example.org/p"),
                       ox.Literal("20"), ox.NamedNode(f"{g}20"))])  # term objects join the streams too
        assert (w._pending, w._streamed) == ([], 21)
        w.manifest = {"content_hash": "one"}
    assert len(seen) == 2 and not any(isinstance(n, bytes) for n in seen)  # two streamed loads, nothing else
    assert sorted(q.graph_name.value for q in open_store(tmp_path / "s").quads()) == sorted(f"{g}{n}"
                                                                                             for n in range(21))
    before = os.readlink(tmp_path / "s" / "current")
    with pytest.raises(RuntimeError), store.transaction() as w:
        for n in range(30, 40):
            w.add_nquads(_nquads(n), 1, expected=100)
        assert w._streamed == 10
        raise RuntimeError("a problem found while the bulk loads are open")
    assert os.readlink(tmp_path / "s" / "current") == before and len(open_store(tmp_path / "s")) == 21


def test_the_cycle_collector_is_paused_only_during_a_build(tmp_path, mini_dir):
    import gc

    seen = []
    kept = []  # objects the build made and the caller keeps: they join the oldest generation, not the youngest
    build_atlas(mini_dir, open_store(memory=True),
                on_loaded=lambda result: (seen.append(gc.isenabled()), kept.append(result)))
    assert seen == [False] and gc.isenabled()
    young = {id(o) for o in gc.get_objects(generation=0)}
    assert id(kept[0].sources) not in young and id(kept[0].sources) in {id(o) for o in gc.get_objects(generation=2)}
    (mini_dir / "experiences" / "broken.md").write_text("---\ntitle: x\n", encoding="utf-8")
    with pytest.raises(DataError):
        build_atlas(mini_dir, open_store(memory=True))
    assert gc.isenabled()
