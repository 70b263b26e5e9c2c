{* puqSynology "Used space statistics" page (the UsageStatistics custom function; legacy templatefile form).
   Variables: ClientView::statistics() (lib/ClientView.php). Two inline SVG bar charts whose geometry comes
   from lib/Charts.php; <title> elements are the tooltips. Every value is escaped; no script. *}
{literal}<style>
.puq-syn-stats { color: #333; margin: 10px 0 20px; }
.puq-syn-stats *, .puq-syn-stats *::before, .puq-syn-stats *::after { box-sizing: border-box; }
.puq-syn-stats h2.puq-syn-page-title { margin: 0 0 18px; font-size: 26px; font-weight: 400; }
.puq-syn-stats .puq-syn-card { background: #fff; border-radius: 10px; box-shadow: 0 1px 8px rgba(0, 0, 0, 0.09); padding: 16px 22px 10px; margin: 0 0 20px; }
.puq-syn-stats h3.puq-syn-chart-title { margin: 0 0 6px; font-size: 13px; font-weight: 700; color: #222; }
.puq-syn-stats svg.puq-syn-chart { display: block; width: 100%; height: auto; }
.puq-syn-stats .puq-syn-bar { fill: #3366cc; }
.puq-syn-stats .puq-syn-bar:hover { fill: #254f9e; }
.puq-syn-stats .puq-syn-empty { margin: 10px 0 14px; padding: 24px 12px; border: 1px dashed #ccc; border-radius: 6px; color: #777; text-align: center; }
.puq-syn-stats .puq-syn-notice { margin: 0 0 20px; padding: 10px 14px; border-radius: 6px; background: #fcf8e3; color: #8a6d3b; }
.puq-syn-stats .puq-syn-btn { display: inline-flex; align-items: center; gap: 6px; padding: 6px 12px; border: 1px solid #2a5a8c; border-radius: 4px; background: #fff; color: #2a5a8c; font-size: 14px; text-decoration: none; }
.puq-syn-stats .puq-syn-btn:hover, .puq-syn-stats .puq-syn-btn:focus { background: #2a5a8c; color: #fff; text-decoration: none; }
</style>{/literal}
<div class="puq-syn-stats" id="puq-syn-stats-{$puqServiceId|escape:'html'}">
    <h2 class="puq-syn-page-title">{$puqLang.puqSynology_statistics|default:'Used space statistics'|escape:'html'}</h2>
    {if $puqError}
        <p class="puq-syn-notice">{$puqError|escape:'html'}</p>
    {else}
        {foreach $puqCharts as $item}
        <div class="puq-syn-card">
            <h3 class="puq-syn-chart-title">{$item.title|escape:'html'}</h3>
            {if $item.chart}
            {$chart = $item.chart}
            <svg class="puq-syn-chart" data-puq-chart="{$item.kind|escape:'html'}" data-bars="{$chart.count|escape:'html'}" viewBox="0 0 {$chart.width|escape:'html'} {$chart.height|escape:'html'}" width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-label="{$item.title|escape:'html'}" xmlns="http://www.w3.org/2000/svg">
                <title>{$item.title|escape:'html'}</title>
                {foreach $chart.ticks as $tick}
                <line x1="{$chart.plot.x|escape:'html'}" x2="{$chart.plot.right|escape:'html'}" y1="{$tick.y|escape:'html'}" y2="{$tick.y|escape:'html'}" stroke="#dcdcdc" stroke-width="1"/>
                <text x="{$chart.plot.tick_x|escape:'html'}" y="{$tick.text_y|escape:'html'}" text-anchor="end" font-size="12" fill="#555">{$tick.label|escape:'html'}</text>
                {/foreach}
                {foreach $chart.bars as $bar}
                <rect class="puq-syn-bar" x="{$bar.x|escape:'html'}" y="{$bar.y|escape:'html'}" width="{$bar.w|escape:'html'}" height="{$bar.h|escape:'html'}" fill="#3366cc" data-label="{$bar.label|escape:'html'}"><title>{$bar.title|escape:'html'}</title></rect>
                {/foreach}
                <line x1="{$chart.plot.x|escape:'html'}" x2="{$chart.plot.right|escape:'html'}" y1="{$chart.plot.bottom|escape:'html'}" y2="{$chart.plot.bottom|escape:'html'}" stroke="#333" stroke-width="1"/>
                {foreach $chart.labels as $label}
                <text x="{$label.x|escape:'html'}" y="{$label.y|escape:'html'}" text-anchor="{$label.anchor|escape:'html'}" font-size="12" fill="#444"{if $label.rotate} transform="rotate(-40 {$label.x|escape:'html'} {$label.y|escape:'html'})"{/if}>{$label.text|escape:'html'}</text>
                {/foreach}
            </svg>
            {else}
            <p class="puq-syn-empty" data-puq-empty="{$item.kind|escape:'html'}">{$puqLang.puqSynology_no_history|default:'No usage history yet. It appears after the first daily usage update.'|escape:'html'}</p>
            {/if}
        </div>
        {/foreach}
    {/if}
    <p><a class="puq-syn-btn" href="{$puqBackUrl|escape:'html'}">&larr; {$puqLang.puqSynology_back|default:'Back to the service'|escape:'html'}</a></p>
</div>
