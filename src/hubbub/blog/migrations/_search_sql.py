"""SQL for the SQLite search index, shared by the migration and the post-migrate check."""

TABLE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS hubbub_search USING fts5(kind UNINDEXED, obj_id UNINDEXED, title, body, tokenize = 'porter unicode61')"
]
FILL = [
    "INSERT INTO hubbub_search (kind, obj_id, title, body) SELECT 'entry', id, '', body FROM live_liveentry",
    "INSERT INTO hubbub_search (kind, obj_id, title, body) SELECT 'post', id, title, body FROM blog_post",
]
TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS hubbub_search_entry_ai AFTER INSERT ON live_liveentry BEGIN INSERT INTO hubbub_search (kind, obj_id, title, body) VALUES ('entry', new.id, '', new.body); END",
    "CREATE TRIGGER IF NOT EXISTS hubbub_search_entry_au AFTER UPDATE OF body ON live_liveentry BEGIN DELETE FROM hubbub_search WHERE kind = 'entry' AND obj_id = old.id; INSERT INTO hubbub_search (kind, obj_id, title, body) VALUES ('entry', new.id, '', new.body); END",
    "CREATE TRIGGER IF NOT EXISTS hubbub_search_entry_ad AFTER DELETE ON live_liveentry BEGIN DELETE FROM hubbub_search WHERE kind = 'entry' AND obj_id = old.id; END",
    "CREATE TRIGGER IF NOT EXISTS hubbub_search_post_ad AFTER DELETE ON blog_post BEGIN DELETE FROM hubbub_search WHERE kind = 'post' AND obj_id = old.id; END",
]
