-- Loads the CTA stations into the cta database when the postgres container
-- initialises its data directory (run once, as POSTGRES_USER cta_admin, by
-- the image's /docker-entrypoint-initdb.d). The table is the original
-- project's load_stations.sql, column for column; the CSV is mounted
-- read-only from fixtures/cta_stations.csv (230 rows, CRLF line endings,
-- which COPY accepts).

CREATE TABLE stations (
  stop_id INTEGER PRIMARY KEY,
  direction_id VARCHAR(1) NOT NULL,
  stop_name VARCHAR(70) NOT NULL,
  station_name VARCHAR(70) NOT NULL,
  station_descriptive_name VARCHAR(200) NOT NULL,
  station_id INTEGER NOT NULL,
  "order" INTEGER,
  red BOOLEAN NOT NULL,
  blue BOOLEAN NOT NULL,
  green BOOLEAN NOT NULL
);

COPY stations(
  stop_id,
  direction_id,
  stop_name,
  station_name,
  station_descriptive_name,
  station_id,
  "order",
  red,
  blue,
  green
) FROM '/fixtures/cta_stations.csv' DELIMITER ',' CSV HEADER;
