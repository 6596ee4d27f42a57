"""``python -m services.db.migrate_cli intake_api``: run a service's migrations against its configured database."""

import argparse
import importlib

from services.db.migrate import downgrade, upgrade


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run one service's Alembic history against <PREFIX>DATABASE_URL")
    parser.add_argument("package", help="service package, e.g. intake_api")
    parser.add_argument("--revision", default="head")
    parser.add_argument("--down", action="store_true", help="downgrade to --revision (default base)")
    args = parser.parse_args(argv)
    definition = importlib.import_module(f"{args.package}.main").DEFINITION
    url = definition.settings_class().database_url
    if args.down:
        downgrade(definition.service_root, url, "base" if args.revision == "head" else args.revision)
    else:
        upgrade(definition.service_root, url, args.revision)
    print(f"{args.package}: migrated {'down' if args.down else 'up'} to {args.revision}")


if __name__ == "__main__":
    main()
