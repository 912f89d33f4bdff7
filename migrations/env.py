"""Alembic environment, driven by Flask-Migrate: the app's engine and models' metadata."""

import logging
from logging.config import fileConfig

from alembic import context
from alembic.script import ScriptDirectory
from flask import current_app

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    # Keep the host's logging (e.g. pytest's) when there is one.
    fileConfig(config.config_file_name, disable_existing_loggers=False)  # keep the app's own loggers
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
config.set_main_option("sqlalchemy.url", db.engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def run_migrations_offline():
    """Emit SQL to stdout instead of running it (`facilitator db upgrade --sql`)."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=db.metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        # An autogenerate run that finds no change writes no empty revision.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")
            return
        # Revisions are numbered 0001, 0002...: the next number follows the head (unless --rev-id says otherwise),
        # and alembic.ini's file_template puts it first in the file name.
        script = directives[0]
        if not getattr(config.cmd_opts, "rev_id", None):
            heads = [head for head in ScriptDirectory.from_config(config).get_heads() if head.isdigit()]
            script.rev_id = f"{max(map(int, heads), default=0) + 1:04d}"

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    with db.engine.connect() as connection:
        # A batch migration rebuilds a SQLite table: with foreign keys on, dropping the old copy would
        # cascade-delete every row that refers to it (a room's items). The pragma only works outside a
        # transaction, so it is switched off before and restored after.
        enforced = _sqlite_foreign_keys(connection, None)
        try:
            context.configure(connection=connection, target_metadata=db.metadata, **conf_args)
            with context.begin_transaction():
                context.run_migrations()
        finally:
            _sqlite_foreign_keys(connection, enforced)


def _sqlite_foreign_keys(connection, restore):
    """Switch SQLite's foreign key enforcement off (restore None) or back to `restore`; return what it was."""
    if connection.dialect.name != "sqlite":
        return None
    connection.commit()
    was = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if restore else 'OFF'}")
    connection.commit()
    return was


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
