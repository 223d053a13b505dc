using System.Collections.Immutable;

namespace Sluice.Store;

/// <summary>
/// The store's schema, as numbered steps applied in order and recorded in <c>schema_migrations</c>; each
/// step has its SQLite and its PostgreSQL text. Steps are only ever appended.
/// </summary>
internal static class Migrations
{
    public static ImmutableArray<Migration> All { get; } =
    [
        new(1, "runs, labels, logs, artifacts, cancel requests and definitions", Runs("INTEGER PRIMARY KEY AUTOINCREMENT"), Runs("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")),
        new(2, "the cache index: entries by key and the blobs they reference", Cache, Cache),
    ];

    // Results and output descriptors are JSON; cache_blobs indexes the digests so that pruning finds
    // the blobs no remaining entry references without reading every entry.
    private const string Cache = """
        CREATE TABLE cache_entries (
            key TEXT PRIMARY KEY,
            results TEXT NOT NULL,
            outputs TEXT NOT NULL,
            size BIGINT NOT NULL,
            created_ms BIGINT NOT NULL,
            last_used_ms BIGINT NOT NULL,
            source_run TEXT NULL,
            source_taskrun TEXT NULL
        );
        CREATE INDEX cache_entries_by_use ON cache_entries (last_used_ms);
        CREATE TABLE cache_blobs (
            key TEXT NOT NULL,
            digest TEXT NOT NULL,
            PRIMARY KEY (key, digest)
        );
        CREATE INDEX cache_blobs_by_digest ON cache_blobs (digest);
        """;

    private static string Runs(string sequence) => $"""
        CREATE TABLE runs (
            seq {sequence},
            uid TEXT NOT NULL UNIQUE,
            root_uid TEXT NOT NULL,
            top BIGINT NOT NULL,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            namespace TEXT NOT NULL,
            pipeline_task TEXT NULL,
            definition_name TEXT NULL,
            definition_version BIGINT NULL,
            succeeded TEXT NOT NULL,
            reason TEXT NULL,
            message TEXT NULL,
            created_ms BIGINT NOT NULL,
            start_ms BIGINT NULL,
            completion_ms BIGINT NULL,
            owner TEXT NULL,
            resource TEXT NOT NULL,
            sources TEXT NULL
        );
        CREATE INDEX runs_by_kind ON runs (kind, top, seq);
        CREATE INDEX runs_by_root ON runs (root_uid, seq);
        CREATE INDEX runs_by_name ON runs (name);
        CREATE INDEX runs_unfinished ON runs (top, completion_ms);
        CREATE TABLE run_labels (
            uid TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (uid, key)
        );
        CREATE INDEX run_labels_by_key ON run_labels (key, value);
        CREATE TABLE logs (
            root_uid TEXT NOT NULL,
            taskrun TEXT NOT NULL,
            container TEXT NOT NULL,
            path TEXT NOT NULL,
            bytes BIGINT NOT NULL,
            PRIMARY KEY (root_uid, taskrun, container)
        );
        CREATE TABLE artifacts (
            root_uid TEXT NOT NULL,
            taskrun TEXT NOT NULL,
            position BIGINT NOT NULL,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            uri TEXT NULL,
            digest TEXT NULL,
            source TEXT NULL,
            PRIMARY KEY (root_uid, taskrun, position)
        );
        CREATE TABLE cancel_requests (
            uid TEXT PRIMARY KEY,
            requested_ms BIGINT NOT NULL
        );
        CREATE TABLE definitions (
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            version BIGINT NOT NULL,
            digest TEXT NOT NULL,
            resource TEXT NOT NULL,
            applied_ms BIGINT NOT NULL,
            PRIMARY KEY (kind, name, version)
        );
        """;
}

/// <summary>One schema step.</summary>
/// <param name="Version">Its number, from 1.</param>
/// <param name="Description">What it adds.</param>
/// <param name="Sqlite">Its SQLite statements.</param>
/// <param name="Postgres">Its PostgreSQL statements.</param>
internal sealed record Migration(int Version, string Description, string Sqlite, string Postgres);
