import { sql, type Kysely, type Migration } from 'kysely';

/**
 * `phaseout_version_cmp(a, b)` orders two dot-separated versions as targets' `version()` does
 * (numerically per component, missing ones 0; surrounding white space as JavaScript's `trim`),
 * and is null when either is not a version, for targets' version comparisons in SQL. SQLite
 * registers the same function on each connection (`store/database.ts`).
 */
export function versionCompareMigration(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'postgres') return;
      await sql`
        create function phaseout_version_cmp(a text, b text) returns integer
        language plpgsql immutable strict parallel safe as $fn$
        declare
          ws constant text := '[\\s\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]+';
          x int[];
          y int[];
          n int;
        begin
          a := regexp_replace(regexp_replace(a, '^' || ws, ''), ws || '$', '');
          b := regexp_replace(regexp_replace(b, '^' || ws, ''), ws || '$', '');
          if a !~ '^[0-9]{1,9}(\\.[0-9]{1,9}){0,9}$' or b !~ '^[0-9]{1,9}(\\.[0-9]{1,9}){0,9}$' then
            return null;
          end if;
          x := string_to_array(a, '.')::int[];
          y := string_to_array(b, '.')::int[];
          n := greatest(cardinality(x), cardinality(y));
          for i in 1..n loop
            if coalesce(x[i], 0) <> coalesce(y[i], 0) then
              return sign(coalesce(x[i], 0) - coalesce(y[i], 0));
            end if;
          end loop;
          return 0;
        end
        $fn$`.execute(db);
    },
  };
}
