// Test helper: runs SQL statements in DuckDB (@duckdb/node-api) and prints the results as
// JSON, the independent implementation the Parquet tests compare ferry against.
// stdin: a JSON array of jobs, each {"sql": "..."} or {"read": "file.parquet"}.
// stdout: a JSON array of results {ok, error, columns, types, rows}. For "read" jobs every
// column comes back as text (BLOB as hex, FLOAT widened to DOUBLE first, TIMESTAMPTZ as
// UTC wall time) so values compare exactly; "sql" jobs return DuckDB's JSON values.
import { DuckDBInstance } from '@duckdb/node-api';

const input = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.on('data', (chunk) => { text += chunk; });
  process.stdin.on('end', () => resolve(text));
}));

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
await con.run("SET TimeZone = 'UTC'");

function quote(s) { return "'" + s.replaceAll("'", "''") + "'"; }
function ident(s) { return '"' + s.replaceAll('"', '""') + '"'; }

function asText(name, type) {
  const col = ident(name);
  if (type === 'BLOB') return `hex(${col})`;
  if (type === 'FLOAT') return `CAST(CAST(${col} AS DOUBLE) AS VARCHAR)`;
  if (type.startsWith('TIMESTAMP WITH TIME ZONE')) return `CAST(CAST(${col} AS TIMESTAMP) AS VARCHAR)`;
  if (type === 'BOOLEAN') return col;
  return `CAST(${col} AS VARCHAR)`;
}

const results = [];
for (const job of input) {
  try {
    if (job.read !== undefined) {
      const source = `read_parquet(${quote(job.read)}, binary_as_string=false)`;
      const described = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
      const cols = described.getRowObjectsJson();
      const select = cols.map((c) => asText(c.column_name, c.column_type)).join(', ');
      const reader = await con.runAndReadAll(`SELECT ${select} FROM ${source}`);
      results.push({
        ok: true,
        columns: cols.map((c) => c.column_name),
        types: cols.map((c) => c.column_type),
        rows: reader.getRowsJson(),
      });
    } else {
      const reader = await con.runAndReadAll(job.sql);
      results.push({
        ok: true,
        columns: reader.columnNames(),
        types: reader.columnTypes().map((t) => t.toString()),
        rows: reader.getRowsJson(),
      });
    }
  } catch (e) {
    results.push({ ok: false, error: String(e.message || e) });
  }
}
process.stdout.write(JSON.stringify(results));
