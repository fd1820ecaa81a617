// Temporal markers: ISO 8601 dates of when the events a transcript chunk
// tells about happened.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace talegraph::transcript {

// Whether `text` is an ISO 8601 calendar date or date-time in extended
// format: YYYY, YYYY-MM, YYYY-MM-DD, or YYYY-MM-DDThh:mm[:ss[.fraction]]
// with an optional Z or +hh:mm / -hh:mm offset. Checks that each field is in
// range, including the days of the month in leap years.
bool IsIso8601Date(std::string_view text);

// Returns the first explicit date in `text` as an ISO 8601 date: "in 1952"
// gives "1952", "March 3rd, 1961" and "3 March 1961" give "1961-03-03",
// "June 1944" gives "1944-06". Years from 1800 to 2099 count; nullopt when
// there is none.
std::optional<std::string> DetectTemporalMarker(std::string_view text);

}  // namespace talegraph::transcript
