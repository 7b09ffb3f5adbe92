<#ftl output_format="plainText">
${msg("twofaDisabledBody", event.date, event.ipAddress)}
