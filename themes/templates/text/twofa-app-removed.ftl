<#ftl output_format="plainText">
${msg("twofaAppRemovedBody", event.date, event.ipAddress)}
