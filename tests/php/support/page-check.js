/* Page check for the Chromium test (support/WhmcsPages.php, option "check"; never shipped with the module).
   Part 1, in <head> before any module script: record JavaScript errors. */
(function () {
    'use strict';
    window.__puqErrors = [];
    function record(text) {
        window.__puqErrors.push(String(text));
        if (document.body) {
            document.body.setAttribute('data-puq-js-errors', String(window.__puqErrors.length));
        }
    }
    window.addEventListener('error', function (event) {
        record((event && event.message) || 'error event');
    });
    window.addEventListener('unhandledrejection', function (event) {
        var reason = event && event.reason;
        record('unhandled rejection: ' + ((reason && reason.message) || reason));
    });
}());
/* ---- after load ---- */
/* Part 2, at the end of <body>: after load, measure the charts, exercise the buttons, write the results. */
(function () {
    'use strict';
    function finish(charts, toggled, copies) {
        var body = document.body;
        body.setAttribute('data-puq-charts', JSON.stringify(charts));
        body.setAttribute('data-puq-toggle', toggled);
        body.setAttribute('data-puq-copy-buttons', String(copies));
        body.setAttribute('data-puq-js-errors', String(window.__puqErrors.length));
        body.setAttribute('data-puq-js-error-list', JSON.stringify(window.__puqErrors));
        body.setAttribute('data-puq-check', 'done');
    }
    window.addEventListener('load', function () {
        window.setTimeout(function () {
            var charts = [];
            var toggled = 'none';
            var copies = 0;
            try {
                Array.prototype.forEach.call(document.querySelectorAll('[data-puq-chart]'), function (el) {
                    var box = el.getBoundingClientRect();
                    charts.push({
                        kind: el.getAttribute('data-puq-chart'),
                        width: Math.round(box.width),
                        height: Math.round(box.height),
                        shapes: el.querySelectorAll('rect, path, circle').length,
                        bars: el.querySelectorAll('rect').length
                    });
                });
                var toggle = document.querySelector('[data-puq-toggle]');
                if (toggle) {
                    var input = document.getElementById(toggle.getAttribute('data-puq-toggle'));
                    toggle.click();
                    var shown = input.type;
                    toggle.click();
                    toggled = shown + ',' + input.type;
                }
                Array.prototype.forEach.call(document.querySelectorAll('[data-puq-copy]'), function (button) {
                    button.click();
                    copies++;
                });
            } catch (e) {
                window.__puqErrors.push('check: ' + e.message);
            }
            // Let the copy promises settle (and their errors, if any, be recorded) before reporting.
            window.setTimeout(function () {
                finish(charts, toggled, copies);
            }, 400);
        }, 50);
    });
}());
