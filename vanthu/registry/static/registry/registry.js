/* Register pages: number the pages of a paper scan so the clerk can reorder them (Điều 6.1.c).
   Without scripts the pages keep the order in which they were chosen. */
(function () {
  "use strict";

  function renderOrder(box, input) {
    box.textContent = "";
    var files = Array.prototype.slice.call(input.files || []);
    if (files.length < 2) {
      return;
    }
    var intro = document.createElement("p");
    intro.className = "help muted";
    intro.textContent = "Thứ tự trang khi ghép thành tệp PDF: sửa số để đổi thứ tự.";
    box.appendChild(intro);
    var list = document.createElement("ol");
    list.className = "page-order__list";
    files.forEach(function (file, index) {
      var item = document.createElement("li");
      var id = "thu-tu-" + index;
      var label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = file.name;
      var number = document.createElement("input");
      number.type = "number";
      number.name = "thu_tu";
      number.id = id;
      number.min = "1";
      number.max = String(files.length);
      number.value = String(index + 1);
      number.inputMode = "numeric";
      item.appendChild(number);
      item.appendChild(label);
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("thu-tu-trang");
    if (!box) {
      return;
    }
    var input = document.getElementById(box.getAttribute("data-file-input"));
    if (!input) {
      return;
    }
    input.addEventListener("change", function () {
      renderOrder(box, input);
    });
    renderOrder(box, input);
  });
})();
