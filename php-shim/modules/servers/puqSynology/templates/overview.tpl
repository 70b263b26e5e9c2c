{* puqSynology client area overview: added below WHMCS's product overview. *}
<div class="puq-synology-overview">
    <h4>{$puqLang.puqSynology_title|default:'Synology storage'|escape:'html'}</h4>
    {if $puqInstructionUrl}
        <p><a class="btn btn-default btn-sm" href="{$puqInstructionUrl|escape:'html'}" target="_blank" rel="noopener noreferrer">{$puqLang.puqSynology_manual|default:'User manual'|escape:'html'}</a></p>
    {/if}
    <table class="table table-striped">
        <tr>
            <td>{$puqLang.puqSynology_web_interface|default:'Web interface'|escape:'html'}</td>
            <td><a href="{$puqWebUrl|escape:'html'}" target="_blank" rel="noopener noreferrer">{$puqWebUrl|escape:'html'}</a></td>
        </tr>
        <tr>
            <td>{$puqLang.puqSynology_username|default:'Username'|escape:'html'}</td>
            <td><code class="puq-synology-username">{$puqUsername|escape:'html'}</code></td>
        </tr>
    </table>
</div>
