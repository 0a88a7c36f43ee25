# assume completion for PowerShell. Load it with
#   assume completion pwsh | Out-String | Invoke-Expression
# in your $PROFILE.
Register-ArgumentCompleter -Native -CommandName assume -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    # The binary, not the shell function of the same name.
    $exe = Get-Command -Name assume -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $exe) { return }
    $elems = @($commandAst.CommandElements |
        Where-Object { $_.Extent.StartOffset -lt $cursorPosition } |
        ForEach-Object { $_.Extent.Text })
    if ($wordToComplete -ne '' -and $elems.Count -gt 0) {
        $elems = @($elems | Select-Object -First ($elems.Count - 1))
    }
    $prev = if ($elems.Count -gt 0) { $elems[-1] } else { '' }
    $sub = if ($elems.Count -ge 2) { $elems[1] } else { '' }
    $sub2 = if ($elems.Count -ge 3) { $elems[2] } else { '' }
    if ($elems -contains '--') { return }
    $cands = switch ($prev) {
        { $_ -in {{profiles}} } { & $exe __complete profiles 2>$null; break }
        { $_ -in {{sso-sessions}} } { & $exe __complete sso-sessions 2>$null; break }
        { $_ -in {{print}} } { {{formats}}; break }
        { $_ -in {{services}} } { & $exe __complete services 2>$null; break }
        { $_ -in {{none}} } { break }
        default {
            if ($wordToComplete.StartsWith('-')) { & $exe __complete flags $sub $sub2 2>$null }
            else { & $exe __complete args $sub $sub2 2>$null }
        }
    }
    $cands | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
