@echo off
rem `sesame` for the Windows install: the app binary itself runs the command line (--cli), since
rem its RunAsNode fuse is off. Installed as <install folder>\resources\bin\sesame.cmd; add that
rem folder to PATH to type `sesame`. Exits with the command's own exit code.
setlocal
set "app=%~dp0..\..\Sesame.exe"
if not exist "%app%" (
  echo sesame: cannot find the Sesame app binary at %app% 1>&2
  exit /b 127
)
"%app%" --cli %*
exit /b %ERRORLEVEL%
