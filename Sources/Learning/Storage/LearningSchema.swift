import GRDB

/// The learning engine's tables, in the service's SQLite database (beside the store's).
enum LearningSchema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("learning-v1") { db in
            try db.execute(sql: """
                CREATE TABLE learning_classes (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    teacher TEXT
                );
                CREATE TABLE learning_students (
                    id TEXT PRIMARY KEY,
                    class_id TEXT NOT NULL REFERENCES learning_classes(id),
                    name TEXT NOT NULL
                );
                CREATE INDEX learning_students_by_class ON learning_students(class_id);
                CREATE TABLE learning_concepts (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    description TEXT NOT NULL,
                    prerequisites TEXT NOT NULL,
                    p_init REAL NOT NULL, p_learn REAL NOT NULL, p_slip REAL NOT NULL, p_guess REAL NOT NULL,
                    embedding BLOB NOT NULL
                );
                CREATE TABLE learning_content (
                    id TEXT PRIMARY KEY,
                    title TEXT NOT NULL,
                    text TEXT NOT NULL,
                    concept_ids TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    difficulty INTEGER NOT NULL
                );
                CREATE TABLE learning_items (
                    id TEXT PRIMARY KEY,
                    concept_ids TEXT NOT NULL,
                    prompt TEXT NOT NULL,
                    answer_key TEXT,
                    embedding BLOB NOT NULL
                );
                CREATE TABLE learning_submissions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    student_id TEXT NOT NULL REFERENCES learning_students(id),
                    item_id TEXT NOT NULL REFERENCES learning_items(id),
                    answer TEXT,
                    score REAL NOT NULL,
                    correct INTEGER NOT NULL,
                    submitted_at REAL NOT NULL
                );
                CREATE INDEX learning_submissions_by_student ON learning_submissions(student_id, id);
                CREATE TABLE learning_mastery (
                    student_id TEXT NOT NULL,
                    concept_id TEXT NOT NULL,
                    p_known REAL NOT NULL,
                    attempts INTEGER NOT NULL,
                    updated_at REAL NOT NULL,
                    PRIMARY KEY (student_id, concept_id)
                );
                CREATE TABLE learning_mastery_history (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    student_id TEXT NOT NULL,
                    concept_id TEXT NOT NULL,
                    submission_id INTEGER NOT NULL,
                    p_before REAL NOT NULL,
                    p_after REAL NOT NULL,
                    at REAL NOT NULL
                );
                CREATE INDEX learning_history_by_student ON learning_mastery_history(student_id, concept_id, id);
                CREATE TABLE learning_completions (
                    student_id TEXT NOT NULL,
                    content_id TEXT NOT NULL,
                    completed_at REAL NOT NULL,
                    PRIMARY KEY (student_id, content_id)
                );
                """)
        }
        return migrator
    }
}
