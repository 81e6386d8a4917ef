def add_report_parser(modes):
    pass
