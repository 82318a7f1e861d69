// Test helper: runs one SQL query in DuckDB (@duckdb/node-api), the independent Parquet
// implementation the batch tests read ferry's output with, and prints the rows as JSON.
// Usage: node duckdb_sql.mjs "SELECT ..."   -> [{"col": value, ...}, ...]
import { DuckDBInstance } from '@duckdb/node-api';

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const reader = await con.runAndReadAll(process.argv[2]);
const rows = reader.getRowObjectsJson();
process.stdout.write(JSON.stringify(rows));
