"""``python -m intents.extraction``: rebuild the table of what each extraction pattern needs (``_prepared``)."""

from intents.extraction._prepared import TABLE_PATH, write_table

if __name__ == "__main__":
    print(f"wrote {TABLE_PATH.name}: {write_table()} patterns")
