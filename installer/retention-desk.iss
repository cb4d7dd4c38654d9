; Inno Setup 6 script: the Windows installer of retention_desk.
;
; Build on Windows, after the PyInstaller one-folder build (see installer/README.md):
;   pyinstaller --noconfirm --clean --distpath installer\dist --workpath installer\build installer\retention_desk.spec
;   iscc /DAppVersion=0.1.0 installer\retention-desk.iss
; Output: installer\Output\retention-desk-<version>-setup.exe
;
; Install mode: per user, without administrator rights, by default; the first page offers
; "Install for all users" (needs an administrator), and the command line takes /CURRENTUSER
; or /ALLUSERS (with /VERYSILENT for unattended deployment). {autopf}, {autoprograms} and
; the registry root HKA follow the mode chosen: %LOCALAPPDATA%\Programs and HKCU for one user,
; Program Files and HKLM for all users.
;
; The uninstaller removes only what Setup installed (the program folder's files, the
; shortcut, the association's keys). It never deletes archives (*.rdesk, wherever they are),
; the user data folder (%LOCALAPPDATA%\retention-desk: default archive, audit anchors, demo),
; or settings (kept inside each archive).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Retention Desk"
#define AppPublisher "retention_desk project"
#define AppExe "RetentionDesk.exe"
; the console twin of AppExe, for the command line and `retention-desk --self-test`
#define CliExe "retention-desk.exe"
#define ProgId "RetentionDesk.Archive"

[Setup]
; AppId identifies the app across versions (upgrades, uninstall): never change it.
AppId={{6B1F4C2A-8E53-4D1B-9C7A-2F5E0D3A9B41}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
AppCopyright=Copyright (C) {#AppPublisher}
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
; per-user by default; the user (dialog) or IT (/ALLUSERS, /CURRENTUSER) may choose otherwise
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
; tell Explorer about the .rdesk association at the end of install and uninstall
ChangesAssociations=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; a running copy holds the archive open: ask to close it before files are replaced
CloseApplications=yes
SetupIconFile=retention-desk.ico
OutputDir=Output
OutputBaseFilename=retention-desk-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; an upgrade replaces the bundle's library folder whole, so no module of the old version stays
; beside the new one; this folder holds only files Setup installed
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; the PyInstaller one-folder build: both executables and _internal\
Source: "dist\retention-desk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; .rdesk opens the archive in the main window: RetentionDesk.exe --archive "<file>" gui.
; Root HKA: HKCU\Software\Classes per user, HKLM\Software\Classes for all users.
; Only our own ProgId key is deleted on uninstall; of .rdesk only our value goes, so another
; program's association with it is left alone.
Root: HKA; Subkey: "Software\Classes\.rdesk\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Retention Desk archive"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" --archive ""%1"" gui"
; "Open with" lists the app under its name; this key is the app's own, removed whole
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".rdesk"; ValueData: ""

[Run]
; offered on the last page; a silent deployment does not start the app
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder itself, and only once it is empty. Never archives (*.rdesk), never
; the user data folder (%LOCALAPPDATA%\retention-desk) and never anything under {userappdata},
; {localappdata} or {userdocs}: records must outlive the program that made them.
Type: dirifempty; Name: "{app}"
