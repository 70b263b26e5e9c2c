#include "puq/whmcs/sql.hpp"

#include <charconv>

namespace puq::whmcs::sql {

namespace {
const std::string kEmpty;
}

const std::optional<std::string>& Row::cell(std::size_t column) const {
  if (column >= cells_.size()) {
    throw DatabaseError("result column " + std::to_string(column) + " requested, but the row has " +
                        std::to_string(cells_.size()));
  }
  return cells_[column];
}

bool Row::isNull(std::size_t column) const { return !cell(column).has_value(); }

const std::string& Row::text(std::size_t column) const {
  const auto& c = cell(column);
  return c ? *c : kEmpty;
}

std::optional<std::string> Row::optionalText(std::size_t column) const { return cell(column); }

std::optional<int64_t> Row::optionalInt64(std::size_t column) const {
  const auto& c = cell(column);
  if (!c) return std::nullopt;
  int64_t value = 0;
  const char* first = c->data();
  const char* last = first + c->size();
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end != last) {
    throw DatabaseError("result column " + std::to_string(column) + " is not an integer");
  }
  return value;
}

int64_t Row::int64(std::size_t column) const { return optionalInt64(column).value_or(0); }

double Row::real(std::size_t column) const {
  const auto& c = cell(column);
  if (!c) return 0.0;
  // from_chars, not strtod: independent of the process locale's decimal point.
  double value = 0.0;
  const char* first = c->data();
  const char* last = first + c->size();
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end != last) {
    throw DatabaseError("result column " + std::to_string(column) + " is not a number");
  }
  return value;
}

std::vector<Row> Statement::allRows() {
  std::vector<Row> rows;
  Row row;
  while (nextRow(row)) rows.push_back(std::move(row));
  return rows;
}

std::optional<Row> Statement::firstRow() {
  Row row;
  if (!nextRow(row)) return std::nullopt;
  Row rest;
  while (nextRow(rest)) {
  }
  return row;
}

}  // namespace puq::whmcs::sql
