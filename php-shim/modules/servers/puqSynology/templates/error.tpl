{* puqSynology client area: shown instead of the overview when the module cannot show the service. *}
<div class="alert alert-warning puq-synology-error">
    {$usefulErrorHelper|escape:'html'}
</div>
