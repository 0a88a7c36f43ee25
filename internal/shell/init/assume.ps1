# assume: shell integration for PowerShell 7.3 or later.
# Load it from your $PROFILE with:    Invoke-Expression (& assume init pwsh | Out-String)
#
# It defines a function `assume` that runs the real binary with the console
# left alone and gives it a private channel for the PowerShell code it wants
# run in this session: a file it creates (mode 0600) inside a fresh temporary
# folder only you can enter. The code is applied only when the binary exits 0;
# the folder is removed right after, and $LASTEXITCODE is the binary's status.
# Note: PowerShell drops a bare `--` from a function's arguments; quote it
# ('--') to pass it on, e.g. assume prod --exec '--' aws s3 ls.

# An alias named assume (another tool's, say) would shadow the function.
Remove-Item -LiteralPath Alias:assume -Force -ErrorAction Ignore

function assume {
    $assumeBin = @ASSUME_BIN@
    # CreateTempSubdirectory (.NET 7+) makes the folder with mode 0700 on Unix.
    $assumeDir = [System.IO.Directory]::CreateTempSubdirectory('assume.')
    $assumeFile = Join-Path $assumeDir.FullName 'env.ps1'
    $assumeSaved = @($env:ASSUME_SHELL, $env:ASSUME_OUTPUT_FILE)
    $assumeRc = 1
    try {
        try {
            $env:ASSUME_SHELL = 'pwsh'
            $env:ASSUME_OUTPUT_FILE = $assumeFile
            & $assumeBin @args
            $assumeRc = $LASTEXITCODE
        } finally {
            # Assigning $null removes the variable again when it was unset.
            $env:ASSUME_SHELL = $assumeSaved[0]
            $env:ASSUME_OUTPUT_FILE = $assumeSaved[1]
        }
        if ($assumeRc -eq 0 -and (Test-Path -LiteralPath $assumeFile)) {
            $assumeCode = Get-Content -LiteralPath $assumeFile -Raw -Encoding utf8
            if ($assumeCode) {
                # Ctrl-C must not leave the environment half changed.
                $assumeCtrlC = $null
                try {
                    $assumeCtrlC = [Console]::TreatControlCAsInput
                    [Console]::TreatControlCAsInput = $true
                } catch { }
                try {
                    Invoke-Expression $assumeCode
                } finally {
                    if ($null -ne $assumeCtrlC) { [Console]::TreatControlCAsInput = $assumeCtrlC }
                }
            }
        }
    } finally {
        Remove-Item -LiteralPath $assumeDir.FullName -Recurse -Force -ErrorAction Ignore
    }
    $global:LASTEXITCODE = $assumeRc
}

# Hook point: `assume init pwsh --auto-refresh` (not implemented yet) wraps
# the prompt function here to refresh credentials before they expire.
@ASSUME_HOOKS@
