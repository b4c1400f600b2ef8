// A printed statistics page carries every figure's 统计口径: open the folded definitions before printing.
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details.definition").forEach(function (d) { d.open = true; });
});
