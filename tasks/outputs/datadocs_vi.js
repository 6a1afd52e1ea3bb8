/* Vietnamese strings for the tables and date picker of thidua's Data Docs (written for thidua, not vendored).
 * bootstrap-table's own vi-VN locale is not used: it says "Hiển thị từ trang 1 đến 5 của 5 bảng ghi" (pages
 * for rows, a misspelt "bản ghi") and leaves many strings in English. Loaded after bootstrap-table, its
 * filter-control extension and bootstrap-datepicker's "vi" locale; tasks/outputs/datadocs_vi.py adds it. */
(function ($) {
  "use strict";
  var vn = function (value) { return Number(value).toLocaleString("vi-VN"); };
  $.extend($.fn.bootstrapTable.defaults, {
    formatLoadingMessage: function () { return "Đang tải…"; },
    formatRecordsPerPage: function (count) { return count + " dòng mỗi trang"; },
    formatShowingRows: function (from, to, total, totalNotFiltered) {
      var text = "Dòng " + vn(from) + " đến " + vn(to) + " trong tổng số " + vn(total) + " dòng";
      if (totalNotFiltered !== undefined && totalNotFiltered > total) {
        text += " (lọc từ " + vn(totalNotFiltered) + " dòng)";
      }
      return text;
    },
    formatSRPaginationPreText: function () { return "trang trước"; },
    formatSRPaginationPageText: function (page) { return "đến trang " + page; },
    formatSRPaginationNextText: function () { return "trang sau"; },
    formatDetailPagination: function (total) { return "Có " + vn(total) + " dòng"; },
    formatClearSearch: function () { return "Xóa tìm kiếm và bộ lọc"; },
    formatSearch: function () { return "Tìm kiếm"; },
    formatNoMatches: function () { return "Không có dòng nào phù hợp"; },
    formatPaginationSwitch: function () { return "Ẩn/hiện phân trang"; },
    formatPaginationSwitchDown: function () { return "Hiện phân trang"; },
    formatPaginationSwitchUp: function () { return "Ẩn phân trang"; },
    formatRefresh: function () { return "Làm mới"; },
    formatToggle: function () { return "Đổi cách hiển thị"; },
    formatColumns: function () { return "Cột"; },
    formatAllRows: function () { return "Tất cả"; },
    formatFilterControlSwitch: function () { return "Ẩn/hiện bộ lọc"; },
    formatFilterControlSwitchHide: function () { return "Ẩn bộ lọc"; },
    formatFilterControlSwitchShow: function () { return "Hiện bộ lọc"; }
  });
  if ($.fn.datepicker && $.fn.datepicker.dates.vi) {
    $.fn.datepicker.defaults.language = "vi";
  }
}(jQuery));
