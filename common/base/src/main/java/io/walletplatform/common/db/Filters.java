package io.walletplatform.common.db;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The optional conditions of a list query, as SQL and parameters: each filter the request names adds
 * {@code AND <column> <operator> $n}, numbered after the query's own {@code first - 1} parameters. A
 * filter the request does not name adds nothing, so the query's plan stays the one without it.
 */
public final class Filters {

  private final int first;
  private final StringBuilder sql = new StringBuilder();
  private final List<Object> values = new ArrayList<>();
  /** The metadata condition, kept apart: a query may apply it after the others (a walk, then the value). */
  private final StringBuilder metadataSql = new StringBuilder();

  /** Conditions whose parameters start at {@code $first}. */
  public Filters(int first) {
    this.first = first;
  }

  /**
   * {@code AND column operator $n::cast} when {@code value} is not {@code null}; an enum constant is
   * bound by its name, as the columns hold it.
   */
  public Filters add(String column, String operator, Object value, String cast) {
    return add(sql, column, operator, value, cast);
  }

  private Filters add(StringBuilder to, String column, String operator, Object value, String cast) {
    if (value != null) {
      values.add(value instanceof Enum<?> constant ? constant.name() : value);
      to.append(" AND ").append(column).append(' ').append(operator).append(" $").append(first + values.size() - 1)
          .append("::").append(cast);
    }
    return this;
  }

  /**
   * {@code AND column @> $n::jsonb} when the filter names metadata: the rows whose metadata holds all
   * of it. Bound as a JsonObject: the PostgreSQL client writes a Java String for a jsonb parameter as a
   * JSON string, which no object contains.
   */
  public Filters metadata(String column, JsonObject filter) {
    return add(metadataSql, column, "@>", filter, "jsonb");
  }

  /** The metadata condition alone ({@code ""} when there is none). */
  public String metadataSql() {
    return metadataSql.toString();
  }

  /** Every condition but the metadata one. */
  public String sqlWithoutMetadata() {
    return sql.toString();
  }

  /**
   * Runs the query the conditions belong to. With a metadata filter, the best plan depends on the
   * value: a value few rows have is found through the GIN index, one many rows have by walking the
   * list's own index and skipping the others (a millisecond each). A prepared statement's generic
   * plan cannot tell them apart and chose a bitmap of the whole list and of every row with the value,
   * 50 ms to a second on a wallet of 1,000,000 operations; so such a query runs in a transaction whose
   * plans are made for its values ({@code SET LOCAL plan_cache_mode = force_custom_plan}: two more
   * round trips, for these queries only).
   */
  public <T> Future<T> run(Pool pool, Function<SqlClient, Future<T>> query) {
    if (metadataSql.isEmpty()) {
      return query.apply(pool);
    }
    return pool.withTransaction(tx -> tx.query("SET LOCAL plan_cache_mode = force_custom_plan").execute()
        .compose(set -> query.apply(tx)));
  }

  /** Every condition, {@code ""} when there are none. */
  public String sql() {
    return sql.toString() + metadataSql;
  }

  /** The query's own parameters followed by the conditions'. */
  public Tuple tuple(Object... own) {
    if (own.length != first - 1) {
      throw new IllegalArgumentException("the query has " + (first - 1) + " parameters of its own, not " + own.length);
    }
    Tuple tuple = Tuple.from(own);
    values.forEach(tuple::addValue);
    return tuple;
  }
}
