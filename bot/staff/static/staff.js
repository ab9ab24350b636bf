// Staff dashboard behaviour that the pages cannot carry inline: the Content-Security-Policy
// (bot/gateway/headers.py) allows script from this site's files only, no on…= attributes.
"use strict";

// A date picker or a select marked data-autosubmit applies its form as soon as it changes.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLElement && field.matches("[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});
