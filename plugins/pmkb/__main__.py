from pmkb.cli import main

main()
