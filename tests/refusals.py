"""A store that really refuses one statement: a trigger that makes the INSERT of an answer fail
when its value holds a word, so an answer's text sits inside a failing statement (its error
and whatever logs it), on SQLite and PostgreSQL alike."""

from __future__ import annotations

from store.database import Database

_POSTGRESQL = (
    """CREATE FUNCTION refuse_answer() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.value::text LIKE '%{word}%' THEN
            RAISE EXCEPTION 'refused' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$""",
    "CREATE TRIGGER refuse_answer BEFORE INSERT ON answers FOR EACH ROW EXECUTE FUNCTION refuse_answer()",
)
_SQLITE = (
    """CREATE TRIGGER refuse_answer BEFORE INSERT ON answers WHEN NEW.value LIKE '%{word}%'
    BEGIN SELECT RAISE(ABORT, 'refused'); END""",
)


async def refuse_answers_containing(db: Database, word: str) -> None:
    """From now on the store refuses (as a broken rule: an IntegrityError) any answer whose
    value contains `word`."""
    assert word.isalpha()  # it goes into the SQL as it is
    statements = _POSTGRESQL if db.dialect_name == "postgresql" else _SQLITE
    async with db.engine.begin() as connection:
        for statement in statements:
            await connection.exec_driver_sql(statement.replace("{word}", word))
