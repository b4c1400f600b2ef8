// 党风廉政意见回复: a search result, clicked, becomes the chosen cadre (the form's hidden person field).
document.addEventListener("click", function (e) {
  var pick = e.target.closest("[data-person]");
  if (!pick) return;
  e.preventDefault();
  document.getElementById("id_person").value = pick.dataset.person;
  document.getElementById("cadre-results").innerHTML = "";
  var p = document.createElement("p"); p.textContent = "已选：" + pick.dataset.label;
  document.getElementById("cadre-results").appendChild(p);
});
