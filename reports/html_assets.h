// The inline stylesheet and script of the HTML report (kept apart from the markup code).
//
// The script only adds behaviour: click a table header to sort by that column (numbers by their
// data-value, text otherwise; click again to reverse), and a link ending in
// "#sort=<table id>:<column>:<asc|desc>" opens with that table sorted. Headers get aria-sort, so
// the sorted state is visible in the DOM. Without JavaScript every table still reads in full.
#pragma once

namespace mpt::reports {

extern const char* const kReportCss;
extern const char* const kReportJs;

}  // namespace mpt::reports
