{* puqSynology client area overview, added below WHMCS's product overview (tabOverviewModuleOutputTemplate).
   Variables: ClientView::overview() (lib/ClientView.php). Every value is escaped. No external file, no
   inline event handler: one <style> and one <script> block (addEventListener) for copy and show/hide. *}
{literal}<style>
.puq-syn { --puq-accent: #d9303e; --puq-used: #dc3545; --puq-free: #28a745; color: #333; margin: 15px 0; }
.puq-syn *, .puq-syn *::before, .puq-syn *::after { box-sizing: border-box; }
.puq-syn svg.puq-syn-icon { width: 1em; height: 1em; vertical-align: -0.125em; flex: none; }
.puq-syn-manual { text-align: center; margin: 0 0 18px; }
.puq-syn-btn { display: inline-flex; align-items: center; gap: 6px; padding: 6px 12px; border: 1px solid #2a5a8c; border-radius: 4px; background: #fff; color: #2a5a8c; font-size: 14px; line-height: 1.4; text-decoration: none; cursor: pointer; }
.puq-syn-btn:hover, .puq-syn-btn:focus { background: #2a5a8c; color: #fff; text-decoration: none; }
.puq-syn-card { background: #fff; border-radius: 10px; box-shadow: 0 1px 8px rgba(0, 0, 0, 0.09); padding: 10px 22px; margin: 0 0 20px; }
.puq-syn-row { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; min-height: 62px; padding: 8px 0; border-bottom: 1px solid #e9e9e9; }
.puq-syn-row:last-child { border-bottom: 0; }
.puq-syn-label { flex: 0 0 28%; min-width: 215px; display: flex; align-items: center; gap: 10px; font-weight: 600; color: #444; white-space: nowrap; }
.puq-syn-label svg.puq-syn-icon, .puq-syn-facts svg.puq-syn-icon { color: var(--puq-accent); }
.puq-syn-value { flex: 1 1 220px; min-width: 0; text-align: center; overflow-wrap: break-word; }
.puq-syn-value a { font-size: 16px; }
.puq-syn-mono { font-family: SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-weight: 600; }
.puq-syn-actions { flex: 0 0 auto; display: flex; gap: 10px; min-width: 112px; justify-content: flex-end; }
.puq-syn-input { width: 100%; height: 40px; padding: 6px 12px; border: 2px solid #d5d5d5; border-radius: 6px; background: #fff; color: #333; font-size: 15px; }
.puq-syn-icon-btn { display: inline-flex; align-items: center; justify-content: center; width: 48px; height: 40px; padding: 0; border: 2px solid var(--puq-accent); border-radius: 6px; background: #fff; color: var(--puq-accent); font-size: 16px; cursor: pointer; }
.puq-syn-icon-btn:hover, .puq-syn-icon-btn:focus { background: var(--puq-accent); color: #fff; outline: none; }
.puq-syn-icon-btn.puq-syn-toggle { border-color: #5a6570; color: #5a6570; }
.puq-syn-icon-btn.puq-syn-toggle:hover, .puq-syn-icon-btn.puq-syn-toggle:focus { background: #5a6570; color: #fff; }
.puq-syn-icon-btn .puq-syn-when-on, .puq-syn-icon-btn.puq-syn-on .puq-syn-when-off { display: none; }
.puq-syn-icon-btn.puq-syn-on .puq-syn-when-on { display: inline; }
.puq-syn-icon-btn.puq-syn-done { border-color: var(--puq-free); background: var(--puq-free); color: #fff; }
.puq-syn-usage { display: flex; flex-wrap: wrap; align-items: center; gap: 10px 36px; padding: 22px 30px; }
.puq-syn-pie-box { flex: 0 1 300px; min-width: 220px; text-align: center; }
.puq-syn-chart-title { margin: 0 0 8px; text-align: left; font-size: 13px; font-weight: 700; color: #222; }
.puq-syn-pie { display: block; width: 100%; max-width: 230px; height: auto; margin: 0 auto; }
.puq-syn-legend { display: flex; justify-content: center; gap: 18px; margin: 10px 0 0; padding: 0; list-style: none; font-size: 13px; }
.puq-syn-legend li::before { content: ""; display: inline-block; width: 12px; height: 12px; margin-right: 6px; border-radius: 50%; vertical-align: -1px; background: var(--puq-used); }
.puq-syn-legend li.puq-syn-free::before { background: var(--puq-free); }
.puq-syn-unlimited { padding: 36px 10px; border-radius: 50%; aspect-ratio: 1 / 1; max-width: 210px; margin: 0 auto; display: flex; flex-direction: column; justify-content: center; background: #eaf4fb; color: #245; }
.puq-syn-unlimited strong { font-size: 20px; }
.puq-syn-facts { flex: 1 1 320px; width: 100%; border-collapse: collapse; font-size: 14px; }
.puq-syn-facts th, .puq-syn-facts td { padding: 12px 4px; border-bottom: 1px solid #e5e5e5; }
.puq-syn-facts th { text-align: left; font-weight: 600; color: #444; }
.puq-syn-facts th svg.puq-syn-icon { margin-right: 8px; }
.puq-syn-facts td { text-align: right; white-space: nowrap; }
.puq-syn-updated { flex: 1 1 100%; margin: 0; font-size: 12px; color: #777; text-align: right; }
.puq-syn-notice { flex: 1 1 100%; margin: 0; padding: 10px 14px; border-radius: 6px; background: #fcf8e3; color: #8a6d3b; }
.puq-syn-more { flex: 1 1 100%; text-align: center; }
@media (max-width: 640px) {
  .puq-syn-label { flex-basis: 100%; min-width: 0; }
  .puq-syn-value { text-align: left; }
}
</style>{/literal}
<div class="puq-syn" id="puq-syn-{$puqServiceId|escape:'html'}" data-puq-copied="{$puqLang.puqSynology_copied|default:'Copied'|escape:'html'}" data-puq-copy-failed="{$puqLang.puqSynology_copy_failed|default:'Press Ctrl+C to copy'|escape:'html'}" data-puq-show="{$puqLang.puqSynology_show_password|default:'Show password'|escape:'html'}" data-puq-hide="{$puqLang.puqSynology_hide_password|default:'Hide password'|escape:'html'}">
    {if $puqInstructionUrl}
        <div class="puq-syn-manual">
            <a class="puq-syn-btn" href="{$puqInstructionUrl|escape:'html'}" target="_blank" rel="noopener noreferrer"><svg class="puq-syn-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M3 1.5A1.5 1.5 0 0 1 4.5 0H14v13H4.5a.5.5 0 0 0 0 1H14v2H4.5A2.5 2.5 0 0 1 2 13.5v-12zM6 3v1.5h6V3H6z"/></svg>{$puqLang.puqSynology_manual|default:'User manual'|escape:'html'}</a>
        </div>
    {/if}
    <div class="puq-syn-card puq-syn-access">
        <div class="puq-syn-row">
            <div class="puq-syn-label"><svg class="puq-syn-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M1 2.5A1.5 1.5 0 0 1 2.5 1h11A1.5 1.5 0 0 1 15 2.5v3A1.5 1.5 0 0 1 13.5 7h-11A1.5 1.5 0 0 1 1 5.5v-3zm0 8A1.5 1.5 0 0 1 2.5 9h11a1.5 1.5 0 0 1 1.5 1.5v3a1.5 1.5 0 0 1-1.5 1.5h-11A1.5 1.5 0 0 1 1 13.5v-3zM11 3v1.5h2V3h-2zm0 8v1.5h2V11h-2z"/></svg>{$puqLang.puqSynology_web_interface|default:'Web interface address'|escape:'html'}:</div>
            <div class="puq-syn-value"><a href="{$puqWebUrl|escape:'html'}" target="_blank" rel="noopener noreferrer">{$puqWebUrl|escape:'html'}</a></div>
            <div class="puq-syn-actions"></div>
        </div>
        <div class="puq-syn-row">
            <div class="puq-syn-label"><svg class="puq-syn-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M8 8a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zm-6 7c0-3 2.7-5.5 6-5.5s6 2.5 6 5.5v1H2v-1z"/></svg>{$puqLang.puqSynology_username|default:'Username'|escape:'html'}:</div>
            <div class="puq-syn-value"><span class="puq-syn-mono puq-syn-username" id="puq-syn-username-{$puqServiceId|escape:'html'}">{$puqUsername|escape:'html'}</span></div>
            <div class="puq-syn-actions">
                <button type="button" class="puq-syn-icon-btn" data-puq-copy="puq-syn-username-{$puqServiceId|escape:'html'}" title="{$puqLang.puqSynology_copy|default:'Copy'|escape:'html'}" aria-label="{$puqLang.puqSynology_copy|default:'Copy'|escape:'html'} {$puqLang.puqSynology_username|default:'Username'|escape:'html'}"><svg class="puq-syn-icon puq-syn-when-off" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M5 1.5A1.5 1.5 0 0 1 6.5 0h6A1.5 1.5 0 0 1 14 1.5v8a1.5 1.5 0 0 1-1.5 1.5h-6A1.5 1.5 0 0 1 5 9.5v-8zM2 5h2v6.5A1.5 1.5 0 0 0 5.5 13H10v1.5A1.5 1.5 0 0 1 8.5 16h-5A1.5 1.5 0 0 1 2 14.5V5z"/></svg><svg class="puq-syn-icon puq-syn-when-on" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M6.2 11.6 2.4 7.8l1.4-1.4 2.4 2.4 6-6 1.4 1.4z"/></svg></button>
            </div>
        </div>
        {if $puqPasswordMode == 'button' || $puqPasswordMode == 'plain'}
        <div class="puq-syn-row puq-syn-password-row" data-puq-password-mode="{$puqPasswordMode|escape:'html'}">
            <div class="puq-syn-label"><svg class="puq-syn-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M4 6.5V5a4 4 0 1 1 8 0v1.5h.5A1.5 1.5 0 0 1 14 8v6.5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 14.5V8a1.5 1.5 0 0 1 1.5-1.5H4zm2 0h4V5a2 2 0 1 0-4 0v1.5z"/></svg>{$puqLang.puqSynology_password|default:'Password'|escape:'html'}:</div>
            <div class="puq-syn-value">
                {if $puqPasswordMode == 'button'}
                    <input type="password" class="puq-syn-input puq-syn-mono" id="puq-syn-password-{$puqServiceId|escape:'html'}" value="{$puqPassword|escape:'html'}" readonly autocomplete="off" spellcheck="false" aria-label="{$puqLang.puqSynology_password|default:'Password'|escape:'html'}">
                {else}
                    <span class="puq-syn-mono puq-syn-password" id="puq-syn-password-{$puqServiceId|escape:'html'}">{$puqPassword|escape:'html'}</span>
                {/if}
            </div>
            <div class="puq-syn-actions">
                {if $puqPasswordMode == 'button'}
                <button type="button" class="puq-syn-icon-btn puq-syn-toggle" data-puq-toggle="puq-syn-password-{$puqServiceId|escape:'html'}" aria-pressed="false" title="{$puqLang.puqSynology_show_password|default:'Show password'|escape:'html'}" aria-label="{$puqLang.puqSynology_show_password|default:'Show password'|escape:'html'}"><svg class="puq-syn-icon puq-syn-when-off" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M8 3C4.4 3 1.6 5.4.5 8c1.1 2.6 3.9 5 7.5 5s6.4-2.4 7.5-5C14.4 5.4 11.6 3 8 3zm0 8.2A3.2 3.2 0 1 1 8 4.8a3.2 3.2 0 0 1 0 6.4zM8 6.3a1.7 1.7 0 1 0 0 3.4 1.7 1.7 0 0 0 0-3.4z"/></svg><svg class="puq-syn-icon puq-syn-when-on" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M2.1 1 1 2.1l2.2 2.2C2 5.3 1.1 6.6.5 8c1.1 2.6 3.9 5 7.5 5 1.3 0 2.5-.3 3.5-.8L13.9 15l1.1-1.1L2.1 1zM8 11.2A3.2 3.2 0 0 1 4.8 8c0-.6.2-1.2.5-1.7l1.2 1.2a1.7 1.7 0 0 0 2 2l1.2 1.2c-.5.3-1.1.5-1.7.5zM8 3c3.6 0 6.4 2.4 7.5 5-.5 1.2-1.3 2.3-2.3 3.1l-2.3-2.3a3.2 3.2 0 0 0-3.7-3.7L5.6 3.5C6.4 3.2 7.2 3 8 3z"/></svg></button>
                {/if}
                <button type="button" class="puq-syn-icon-btn" data-puq-copy="puq-syn-password-{$puqServiceId|escape:'html'}" title="{$puqLang.puqSynology_copy|default:'Copy'|escape:'html'}" aria-label="{$puqLang.puqSynology_copy|default:'Copy'|escape:'html'} {$puqLang.puqSynology_password|default:'Password'|escape:'html'}"><svg class="puq-syn-icon puq-syn-when-off" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M5 1.5A1.5 1.5 0 0 1 6.5 0h6A1.5 1.5 0 0 1 14 1.5v8a1.5 1.5 0 0 1-1.5 1.5h-6A1.5 1.5 0 0 1 5 9.5v-8zM2 5h2v6.5A1.5 1.5 0 0 0 5.5 13H10v1.5A1.5 1.5 0 0 1 8.5 16h-5A1.5 1.5 0 0 1 2 14.5V5z"/></svg><svg class="puq-syn-icon puq-syn-when-on" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M6.2 11.6 2.4 7.8l1.4-1.4 2.4 2.4 6-6 1.4 1.4z"/></svg></button>
            </div>
        </div>
        {/if}
    </div>
    <div class="puq-syn-card puq-syn-usage">
        {if $puqUsage}
            <div class="puq-syn-pie-box">
                <p class="puq-syn-chart-title">{$puqLang.puqSynology_used_space|default:'Used space'|escape:'html'} ({$puqUsage.unit|escape:'html'})</p>
                {if $puqPie}
                    <svg class="puq-syn-pie" data-puq-chart="pie" data-used-percent="{$puqPie.used_percent|escape:'html'}" data-free-percent="{$puqPie.free_percent|escape:'html'}" viewBox="0 0 {$puqPie.size|escape:'html'} {$puqPie.size|escape:'html'}" width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-label="{$puqLang.puqSynology_used|default:'Used'|escape:'html'} {$puqUsage.used_percent|escape:'html'} %" xmlns="http://www.w3.org/2000/svg">
                        {if $puqPie.used_full}
                            <circle class="puq-syn-slice-used" cx="{$puqPie.cx|escape:'html'}" cy="{$puqPie.cy|escape:'html'}" r="{$puqPie.r|escape:'html'}" fill="#dc3545"><title>{$puqLang.puqSynology_used|default:'Used'|escape:'html'}: {$puqUsage.used|escape:'html'} {$puqUsage.unit|escape:'html'} ({$puqUsage.used_percent|escape:'html'} %)</title></circle>
                        {elseif $puqPie.free_full}
                            <circle class="puq-syn-slice-free" cx="{$puqPie.cx|escape:'html'}" cy="{$puqPie.cy|escape:'html'}" r="{$puqPie.r|escape:'html'}" fill="#28a745"><title>{$puqLang.puqSynology_free|default:'Free'|escape:'html'}: {$puqUsage.free|escape:'html'} {$puqUsage.unit|escape:'html'} ({$puqUsage.free_percent|escape:'html'} %)</title></circle>
                        {else}
                            <path class="puq-syn-slice-used" d="{$puqPie.used_path|escape:'html'}" fill="#dc3545" stroke="#fff" stroke-width="1"><title>{$puqLang.puqSynology_used|default:'Used'|escape:'html'}: {$puqUsage.used|escape:'html'} {$puqUsage.unit|escape:'html'} ({$puqUsage.used_percent|escape:'html'} %)</title></path>
                            <path class="puq-syn-slice-free" d="{$puqPie.free_path|escape:'html'}" fill="#28a745" stroke="#fff" stroke-width="1"><title>{$puqLang.puqSynology_free|default:'Free'|escape:'html'}: {$puqUsage.free|escape:'html'} {$puqUsage.unit|escape:'html'} ({$puqUsage.free_percent|escape:'html'} %)</title></path>
                        {/if}
                        {foreach $puqPie.labels as $label}
                            <text x="{$label.x|escape:'html'}" y="{$label.y|escape:'html'}" text-anchor="middle" font-size="12" fill="#fff" pointer-events="none">{$label.text|escape:'html'}</text>
                        {/foreach}
                    </svg>
                    <ul class="puq-syn-legend">
                        <li class="puq-syn-used">{$puqLang.puqSynology_used|default:'Used'|escape:'html'}</li>
                        <li class="puq-syn-free">{$puqLang.puqSynology_free|default:'Free'|escape:'html'}</li>
                    </ul>
                {else}
                    <div class="puq-syn-unlimited" data-puq-unlimited="1">
                        <strong>{$puqUsage.used|escape:'html'} {$puqUsage.unit|escape:'html'}</strong>
                        <span>{$puqLang.puqSynology_used|default:'Used'|escape:'html'}</span>
                    </div>
                {/if}
            </div>
            <table class="puq-syn-facts">
                <tr>
                    <th><svg class="puq-syn-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M1 5.5A1.5 1.5 0 0 1 2.5 4h11A1.5 1.5 0 0 1 15 5.5v5a1.5 1.5 0 0 1-1.5 1.5h-11A1.5 1.5 0 0 1 1 10.5v-5zM3 6v4h7V6H3z"/></svg>{$puqLang.puqSynology_disk_limit|default:'Disk limit'|escape:'html'}:</th>
                    <td class="puq-syn-limit">{if $puqUsage.unlimited}{$puqLang.puqSynology_unlimited|default:'Unlimited'|escape:'html'}{else}{$puqUsage.limit|escape:'html'} {$puqUsage.unit|escape:'html'}{/if}</td>
                </tr>
                <tr>
                    <th><svg class="puq-syn-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M8 1C4.7 1 2 2.1 2 3.5S4.7 6 8 6s6-1.1 6-2.5S11.3 1 8 1zM2 5.6v2.9C2 9.9 4.7 11 8 11s6-1.1 6-2.5V5.6C12.7 6.6 10.4 7.2 8 7.2S3.3 6.6 2 5.6zm0 5v2.9C2 14.9 4.7 16 8 16s6-1.1 6-2.5v-2.9c-1.3 1-3.6 1.6-6 1.6s-4.7-.6-6-1.6z"/></svg>{$puqLang.puqSynology_disk_used|default:'Disk used'|escape:'html'}:</th>
                    <td class="puq-syn-used-value">{$puqUsage.used|escape:'html'} {$puqUsage.unit|escape:'html'}</td>
                </tr>
                {if !$puqUsage.unlimited}
                <tr>
                    <th><svg class="puq-syn-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm0 2a5 5 0 1 1 0 10A5 5 0 0 1 8 3z"/></svg>{$puqLang.puqSynology_disk_free|default:'Disk free'|escape:'html'}:</th>
                    <td class="puq-syn-free-value">{$puqUsage.free|escape:'html'} {$puqUsage.unit|escape:'html'}</td>
                </tr>
                <tr>
                    <th><svg class="puq-syn-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M12.6 2 14 3.4 3.4 14 2 12.6 12.6 2zM4.5 2a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5zm7 7a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5z"/></svg>{$puqLang.puqSynology_disk_used_percent|default:'Disk used percentage'|escape:'html'}:</th>
                    <td class="puq-syn-used-percent">{$puqUsage.used_percent|escape:'html'}%</td>
                </tr>
                <tr>
                    <th><svg class="puq-syn-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M12.6 2 14 3.4 3.4 14 2 12.6 12.6 2zM4.5 2a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5zm7 7a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5z"/></svg>{$puqLang.puqSynology_disk_free_percent|default:'Disk free percentage'|escape:'html'}:</th>
                    <td class="puq-syn-free-percent">{$puqUsage.free_percent|escape:'html'}%</td>
                </tr>
                {/if}
            </table>
            <p class="puq-syn-updated">{$puqLang.puqSynology_last_update|default:'Last updated'|escape:'html'}: {if $puqUsage.lastupdate}{$puqUsage.lastupdate|escape:'html'}{else}{$puqLang.puqSynology_never_updated|default:'not measured yet'|escape:'html'}{/if}</p>
        {else}
            <p class="puq-syn-notice">{$puqUsageError|escape:'html'}</p>
        {/if}
        <div class="puq-syn-more">
            <a class="puq-syn-btn" href="{$puqStatisticsUrl|escape:'html'}"><svg class="puq-syn-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M1 14h14v1.5H1V14zm1-6h2.5v5H2V8zm4-5h2.5v10H6V3zm4 3h2.5v7H10V6z"/></svg>{$puqLang.puqSynology_statistics|default:'Used space statistics'|escape:'html'}</a>
        </div>
    </div>
</div>
{literal}<script>
(function () {
    'use strict';
    function mark(button, ok, root) {
        var label = ok ? root.getAttribute('data-puq-copied') : root.getAttribute('data-puq-copy-failed');
        var old = button.getAttribute('data-puq-title') || button.getAttribute('title') || '';
        button.setAttribute('data-puq-title', old);
        button.setAttribute('title', label || '');
        if (ok) {
            button.classList.add('puq-syn-done', 'puq-syn-on');
        }
        window.setTimeout(function () {
            button.classList.remove('puq-syn-done', 'puq-syn-on');
            button.setAttribute('title', old);
        }, 1500);
    }
    function selectTarget(target) {
        if (target.select) {
            target.select();
            return;
        }
        var range = document.createRange();
        range.selectNodeContents(target);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    }
    function legacyCopy(text) {
        var area = document.createElement('textarea');
        area.value = text;
        area.setAttribute('readonly', '');
        area.style.position = 'fixed';
        area.style.top = '-1000px';
        area.style.opacity = '0';
        document.body.appendChild(area);
        area.select();
        var ok = false;
        try {
            ok = document.execCommand('copy');
        } catch (e) {
            ok = false;
        }
        document.body.removeChild(area);
        return ok;
    }
    function copy(button, root) {
        var target = document.getElementById(button.getAttribute('data-puq-copy'));
        if (!target) {
            return;
        }
        var text = target.tagName === 'INPUT' ? target.value : target.textContent;
        var done = function (ok) {
            if (!ok) {
                selectTarget(target);
            }
            mark(button, ok, root);
        };
        if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(text).then(function () {
                done(true);
            }, function () {
                done(legacyCopy(text));
            });
        } else {
            done(legacyCopy(text));
        }
    }
    function toggle(button, root) {
        var input = document.getElementById(button.getAttribute('data-puq-toggle'));
        if (!input) {
            return;
        }
        var show = input.type === 'password';
        input.type = show ? 'text' : 'password';
        button.classList.toggle('puq-syn-on', show);
        button.setAttribute('aria-pressed', show ? 'true' : 'false');
        var label = root.getAttribute(show ? 'data-puq-hide' : 'data-puq-show') || '';
        button.setAttribute('title', label);
        button.setAttribute('aria-label', label);
    }
    var roots = document.querySelectorAll('.puq-syn[data-puq-copied]');
    Array.prototype.forEach.call(roots, function (root) {
        if (root.getAttribute('data-puq-ready') === '1') {
            return;
        }
        root.setAttribute('data-puq-ready', '1');
        Array.prototype.forEach.call(root.querySelectorAll('[data-puq-copy]'), function (button) {
            button.addEventListener('click', function () {
                copy(button, root);
            });
        });
        Array.prototype.forEach.call(root.querySelectorAll('[data-puq-toggle]'), function (button) {
            button.addEventListener('click', function () {
                toggle(button, root);
            });
        });
    });
}());
</script>{/literal}
