<#import "template.ftl" as layout>
<#import "twofa-macros.ftl" as twofa>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('saved'); section>
<!-- template: twofa-backup-codes.ftl -->
    <#if section = "header">
        ${msg("twofaBackupCodesTitle")}
    <#elseif section = "form">
        <style>
            /* Two columns where they fit (desktop), one on a phone. */
            #twofa-backup-codes { font-family: monospace; font-size: 1.125rem; columns: 2 12rem; column-gap: 2rem;
                                  list-style-position: inside; padding-left: 0; }
            .twofa-backup-code { user-select: all; }
            #twofa-print-title { display: none; }
            /* Printing shows only the codes and whose they are. */
            @media print {
                body * { visibility: hidden; }
                #twofa-print-area, #twofa-print-area * { visibility: visible; }
                #twofa-print-area { position: absolute; top: 0; left: 0; }
                #twofa-print-title { display: block; }
            }
        </style>
        <p id="twofa-backup-codes-intro">${msg("twofaBackupCodesIntro", twofaBackupCodes?size)}</p>
        <div id="twofa-print-area">
            <p id="twofa-print-title">${msg("twofaBackupCodesFileHeader", realm.displayName!realm.name)}</p>
            <ol id="twofa-backup-codes" class="pf-v5-c-list" aria-label="${msg("twofaBackupCodesTitle")}">
                <#list twofaBackupCodes as code>
                    <li class="twofa-backup-code">${code}</li>
                </#list>
            </ol>
        </div>
        <div class="${properties.kcFormGroupClass!}">
            <div class="${properties.kcFormActionGroupClass!}" style="flex-direction: row; gap: .5rem;">
                <button id="twofa-copy" type="button" class="${properties.kcButtonSecondaryClass!}">${msg("twofaBackupCodesCopy")}</button>
                <button id="twofa-download" type="button" class="${properties.kcButtonSecondaryClass!}">${msg("twofaBackupCodesDownload")}</button>
                <button id="twofa-print" type="button" class="${properties.kcButtonSecondaryClass!}">${msg("twofaBackupCodesPrint")}</button>
            </div>
            <p id="twofa-copy-status" role="status" aria-live="polite"></p>
        </div>
        <form id="twofa-backup-codes-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <div class="${properties.kcFormGroupClass!}">
                <label for="saved" class="${properties.kcCheckboxClass!'pf-v5-c-check'}">
                    <input id="saved" name="saved" type="checkbox" required class="${properties.kcCheckboxInputClass!'pf-v5-c-check__input'}"
                           aria-describedby="input-error-saved" aria-invalid="<#if messagesPerField.existsError('saved')>true<#else>false</#if>"/>
                    <span class="${properties.kcCheckboxLabelClass!'pf-v5-c-check__label'}">${msg("twofaBackupCodesSaved")}</span>
                </label>
                <div id="input-error-container-saved" aria-live="polite">
                    <#if messagesPerField.existsError('saved')>
                        <span id="input-error-saved" class="${properties.kcInputErrorMessageClass!}">${kcSanitize(messagesPerField.get('saved'))?no_esc}</span>
                    </#if>
                </div>
            </div>
            <@twofa.actions>
                <@twofa.primaryButton id="twofa-backup-codes-continue" label="doContinue" name="action" value="confirm"/>
                <#if isAppInitiatedAction??>
                    <@twofa.secondaryButton id="twofa-backup-codes-cancel" label="doCancel" name="cancel-aia" value="true"/>
                </#if>
            </@twofa.actions>
        </form>
        <script>
            <#outputformat "JavaScript">
            (function () {
                var codes = Array.prototype.map.call(document.querySelectorAll(".twofa-backup-code"), function (li) { return li.textContent.trim(); });
                var text = ${msg("twofaBackupCodesFileHeader", realm.displayName!realm.name)?c} + "\n\n" + codes.join("\n") + "\n";
                var status = document.getElementById("twofa-copy-status");
                function copied() {
                    status.textContent = ${msg("twofaBackupCodesCopied")?c};
                }
                // The Clipboard API needs a secure context (HTTPS or localhost); elsewhere the older command does.
                function copyBySelection() {
                    var area = document.createElement("textarea");
                    area.value = codes.join("\n");
                    area.setAttribute("readonly", "");
                    area.style.position = "fixed";
                    area.style.opacity = "0";
                    document.body.appendChild(area);
                    area.select();
                    var done = false;
                    try {
                        done = document.execCommand("copy");
                    } catch (e) {
                        done = false;
                    }
                    area.remove();
                    status.textContent = done ? ${msg("twofaBackupCodesCopied")?c} : ${msg("twofaBackupCodesCopyFailed")?c};
                }
                document.getElementById("twofa-copy").addEventListener("click", function () {
                    if (navigator.clipboard && window.isSecureContext) {
                        navigator.clipboard.writeText(codes.join("\n")).then(copied, copyBySelection);
                    } else {
                        copyBySelection();
                    }
                });
                document.getElementById("twofa-download").addEventListener("click", function () {
                    var link = document.createElement("a");
                    link.href = URL.createObjectURL(new Blob([text], {type: "text/plain"}));
                    link.download = ${twofaBackupCodesFileName?c};
                    document.body.appendChild(link);
                    link.click();
                    link.remove();
                });
                document.getElementById("twofa-print").addEventListener("click", function () { window.print(); });
            })();
            </#outputformat>
        </script>
    </#if>
</@layout.registrationLayout>
